package io.peregrine.dataplane.bdev;

import io.peregrine.dataplane.check.PoolChecker;
import io.peregrine.dataplane.lvol.LvolStore;
import io.peregrine.dataplane.lvol.PoolOptions;
import io.peregrine.dataplane.lvol.Volume;
import io.peregrine.dataplane.lvol.VolumeChannel;
import io.peregrine.dataplane.reactor.IdlePolicy;
import io.peregrine.dataplane.reactor.Reactor;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs inside a guest with an emulated NVMe controller bound to the kernel's nvme driver: the
 * io_uring device on a real block device (logical block size by ioctl, O_EXCL, discard and
 * write-zeroes through fallocate), then a pool on it through export, import and check. Then the
 * controller goes to vfio-pci and the same pool is imported through pcie:// (the userspace NVMe
 * driver), read, written and checked: the two paths agree on the bytes. Exits 0 when everything
 * held, 1 with the reason otherwise.
 */
public final class DevicePathsGuestProbe {
    private DevicePathsGuestProbe() {}

    public static void main(String[] args) throws Exception {
        try {
            run();
            System.out.println("PROBE OK");
            System.exit(0);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    private static IoStatus io(Reactor r, Consumer<IoCompletion> op) {
        CompletableFuture<IoStatus> f = new CompletableFuture<>();
        op.accept(f::complete);
        return r.runUntil(f);
    }

    private static void run() throws Exception {
        Path dev = uring();
        pcie(dev);
    }

    /** The pool made through io_uring, now through the userspace driver on the same controller. */
    private static void pcie(Path dev) throws Exception {
        String name = dev.getFileName().toString().replaceAll("n1$", "");
        String bdf = Path.of("/sys/class/nvme", name, "device")
                .toRealPath()
                .getFileName()
                .toString();
        io.peregrine.e2e.lab.PciSysfs.system().bindToVfio(bdf);
        String uri = "pcie://" + bdf;
        System.out.println("device " + uri);
        Reactor r = Reactor.onCurrentThread("probe-pcie", IdlePolicy.DEFAULT);
        try (Bdev bdev = Bdevs.open(uri)) {
            PoolChecker.Report report = r.runUntil(PoolChecker.check(bdev, r.core()));
            System.out.println(report.describe());
            check(report.exitCode() == 0, "pool check through pcie://");
            LvolStore pool = r.runUntil(LvolStore.importPool(bdev, r.core()));
            Volume v = r.runUntil(pool.lookup("v"));
            VolumeChannel vc = pool.openChannel(v.uuid(), r.core());
            try (IoBuffer buf = vc.allocateBuffer(8192)) {
                int n = 8192 / vc.blockSize();
                check(io(r, cb -> vc.read(2048, n, buf.segment(), 0, cb)).isSuccess(), "pcie volume read");
                check(buf.segment().get(ValueLayout.JAVA_BYTE, 4000) == 0x5a, "data written through io_uring");
                buf.segment().fill((byte) 0x6b);
                check(io(r, cb -> vc.write(4096, n, buf.segment(), 0, true, cb)).isSuccess(), "pcie FUA write");
                buf.segment().fill((byte) 0);
                check(io(r, cb -> vc.read(4096, n, buf.segment(), 0, cb)).isSuccess(), "pcie read back");
                check(buf.segment().get(ValueLayout.JAVA_BYTE, 100) == 0x6b, "pcie data read back");
            }
            vc.close();
            r.runUntil(pool.snapshot("v", "v-snap-2", Map.of()));
            r.runUntil(pool.export());
        }
        try (Bdev bdev = Bdevs.open(uri)) {
            PoolChecker.Report report = r.runUntil(PoolChecker.check(bdev, r.core()));
            System.out.println(report.describe());
            check(report.exitCode() == 0 && report.describe().contains("1 volumes, 2 snapshots"), "final check");
        }
    }

    private static Path uring() throws Exception {
        Path dev;
        try (Stream<Path> s = Files.list(Path.of("/sys/block"))) {
            dev = s.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("nvme\\d+n1"))
                    .map(n -> Path.of("/dev", n))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no NVMe namespace block device in the guest"));
        }
        String uri = "uring://" + dev;
        System.out.println("device " + uri);
        Reactor r = Reactor.onCurrentThread("probe", IdlePolicy.DEFAULT);
        try (Bdev bdev = Bdevs.open(uri)) {
            System.out.println("block size " + bdev.blockSize() + ", " + bdev.sizeBytes() + " bytes, fast zeroes "
                    + bdev.features().fastWriteZeroes());
            check(bdev.blockSize() == 512 || bdev.blockSize() == 4096, "logical block size " + bdev.blockSize());
            try {
                Bdevs.open(uri).close();
                throw new AssertionError("a second exclusive open succeeded");
            } catch (BdevException expected) {
                check(expected.getMessage().contains("in use"), expected.getMessage());
            }
            BdevChannel ch = bdev.openChannel(r.core());
            try (IoBuffer buf = bdev.allocateBuffer(64 * 1024)) {
                int blocks = 64 * 1024 / bdev.blockSize();
                for (int i = 0; i < 64 * 1024; i++) {
                    buf.segment().set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7));
                }
                check(io(r, cb -> ch.write(100, blocks, buf.segment(), 0, cb)).isSuccess(), "write");
                check(io(r, cb -> ch.flush(cb)).isSuccess(), "flush");
                buf.segment().fill((byte) 0);
                check(io(r, cb -> ch.read(100, blocks, buf.segment(), 0, cb)).isSuccess(), "read");
                check(buf.segment().get(ValueLayout.JAVA_BYTE, 12345) == (byte) (12345 * 7), "read back");
                check(io(r, cb -> ch.writeZeroes(100, blocks, cb)).isSuccess(), "write zeroes");
                check(io(r, cb -> ch.read(100, blocks, buf.segment(), 0, cb)).isSuccess(), "read zeroes");
                check(buf.segment().get(ValueLayout.JAVA_BYTE, 12345) == 0, "zeroes read back");
                check(io(r, cb -> ch.unmap(0, 8192, cb)).isSuccess(), "unmap");
            }
            ch.close();

            LvolStore pool = r.runUntil(
                    LvolStore.create(bdev, r.core(), PoolOptions.named("guest").withClusterSize(1 << 20)));
            Volume v = r.runUntil(pool.createVolume("v", 16L << 20, true, Map.of()));
            VolumeChannel vc = pool.openChannel(v.uuid(), r.core());
            try (IoBuffer buf = vc.allocateBuffer(8192)) {
                buf.segment().fill((byte) 0x5a);
                int n = 8192 / vc.blockSize();
                check(io(r, cb -> vc.write(2048, n, buf.segment(), 0, true, cb)).isSuccess(), "volume FUA write");
            }
            vc.close();
            r.runUntil(pool.snapshot("v", "v-snap", Map.of()));
            r.runUntil(pool.export());
        }
        try (Bdev ro = Bdevs.open(uri, OpenMode.READ_ONLY)) {
            PoolChecker.Report report = r.runUntil(PoolChecker.check(ro, r.core()));
            System.out.println(report.describe());
            check(report.exitCode() == 0, "pool check");
        }
        try (Bdev bdev = Bdevs.open(uri)) {
            LvolStore pool = r.runUntil(LvolStore.importPool(bdev, r.core()));
            Volume v = r.runUntil(pool.lookup("v"));
            VolumeChannel vc = pool.openChannel(v.uuid(), r.core());
            try (IoBuffer buf = vc.allocateBuffer(8192)) {
                int n = 8192 / vc.blockSize();
                check(io(r, cb -> vc.read(2048, n, buf.segment(), 0, cb)).isSuccess(), "volume read");
                check(buf.segment().get(ValueLayout.JAVA_BYTE, 4000) == 0x5a, "volume data after import");
                check(io(r, cb -> vc.read(0, n, buf.segment(), 0, cb)).isSuccess(), "volume read");
                check(buf.segment().get(ValueLayout.JAVA_BYTE, 4000) == 0, "never written reads zero");
            }
            vc.close();
            r.runUntil(pool.export());
        }
        return dev;
    }
}
