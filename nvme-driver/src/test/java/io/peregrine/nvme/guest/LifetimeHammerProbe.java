package io.peregrine.nvme.guest;

import io.peregrine.e2e.lab.GuestLab;
import io.peregrine.e2e.lab.PciSysfs;
import io.peregrine.nvme.DeviceUri;
import io.peregrine.nvme.NvmeDevice;
import io.peregrine.nvme.dma.DmaBufferPool;
import io.peregrine.nvme.dma.DmaOptions;
import io.peregrine.nvme.driver.ControllerOptions;
import io.peregrine.nvme.driver.IoQueuePair;
import io.peregrine.nvme.driver.Namespace;

/**
 * Runs inside a guest: opens the controller through VFIO, writes and verifies {@code args[1]}
 * MiB, closes everything — {@code args[0]} times in one JVM. Each round maps and unmaps DMA
 * regions, BAR0, admin and I/O queues again, so memory whose lifetime ends too early (or a
 * device still writing after close) shows as a crash or a mismatch. One line per round; exit 0
 * when every round verified.
 */
public final class LifetimeHammerProbe {

    private static final int CHUNK = 128 * 1024;

    private LifetimeHammerProbe() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        long bytes = (args.length > 1 ? Long.parseLong(args[1]) : 8) << 20;
        PciSysfs pci = PciSysfs.system();
        String bdf = pci.devicesOfClass(GuestLab.NVME_CLASS).getFirst();
        pci.bindToVfio(bdf);
        int failed = 0;
        for (int round = 1; round <= rounds; round++) {
            long start = System.nanoTime();
            String problem;
            try (NvmeDevice device = NvmeDevice.open(
                    DeviceUri.parse("pcie://" + bdf), ControllerOptions.defaults(), DmaOptions.defaults())) {
                Namespace ns = device.controller().namespaces().getFirst();
                try (IoQueuePair qp = device.controller().createIoQueuePair();
                        DmaBufferPool pool = new DmaBufferPool(device.dmaMemory(), CHUNK, 18)) {
                    long chunks = bytes / CHUNK;
                    long seed = 1000L * round;
                    NvmeGuestProbe.Pipeline w = new NvmeGuestProbe.Pipeline(ns, qp, pool, true, 0, chunks, seed);
                    w.run();
                    w.release(pool);
                    NvmeGuestProbe.Pipeline r = new NvmeGuestProbe.Pipeline(ns, qp, pool, false, 0, chunks, seed);
                    r.run();
                    r.release(pool);
                    problem = w.lastError != 0 || r.lastError != 0
                            ? "status " + w.lastError + "/" + r.lastError
                            : r.mismatches != 0 ? r.mismatches + " chunks read back different" : null;
                }
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (problem == null) {
                System.out.println("PASS round " + round + ": " + bytes + " bytes verified in " + ms + " ms");
            } else {
                failed++;
                System.out.println("FAIL round " + round + ": " + problem);
            }
        }
        System.out.println(failed == 0 ? "ALL PASS" : "FAILED rounds: " + failed);
        System.exit(failed == 0 ? 0 : 1);
    }
}
