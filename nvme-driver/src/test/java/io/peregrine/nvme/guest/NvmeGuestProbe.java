package io.peregrine.nvme.guest;

import io.peregrine.e2e.lab.GuestLab;
import io.peregrine.e2e.lab.PciSysfs;
import io.peregrine.nvme.DeviceUri;
import io.peregrine.nvme.NvmeDevice;
import io.peregrine.nvme.dma.DmaBufferPool;
import io.peregrine.nvme.dma.DmaOptions;
import io.peregrine.nvme.driver.ControllerInfo;
import io.peregrine.nvme.driver.ControllerOptions;
import io.peregrine.nvme.driver.IoCallback;
import io.peregrine.nvme.driver.IoQueuePair;
import io.peregrine.nvme.driver.Namespace;
import io.peregrine.nvme.driver.NvmeController;
import io.peregrine.nvme.driver.SmartHealth;
import io.peregrine.nvme.spec.Status;
import io.peregrine.nvme.vfio.VfioException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs inside a guest against QEMU's NVMe controller: the clear error while it is still bound to
 * the kernel's nvme driver, then — bound to vfio-pci — identify, 64 MiB of random data written
 * and verified, flush, write zeroes, deallocate, the SMART and Error logs, and two threads with
 * their own queue pairs. One line per check ("PASS name: detail" / "FAIL name: why"); exit 0
 * when all pass. QEMU completes commands even when the vIOMMU blocked their DMA, so every data
 * check compares bytes, not statuses.
 */
public final class NvmeGuestProbe {

    private static final int CHUNK = 128 * 1024;
    private static final long VERIFY_BYTES = 64L << 20;
    private static final int DEPTH = 16;

    private final List<String> failures = new ArrayList<>();

    private NvmeGuestProbe() {}

    public static void main(String[] args) throws Exception {
        System.exit(new NvmeGuestProbe().run() ? 0 : 1);
    }

    private void pass(String name, String detail) {
        System.out.println("PASS " + name + ": " + detail);
    }

    private void fail(String name, String why) {
        failures.add(name);
        System.out.println("FAIL " + name + ": " + why);
    }

    private boolean run() throws Exception {
        PciSysfs pci = PciSysfs.system();
        List<String> controllers = pci.devicesOfClass(GuestLab.NVME_CLASS);
        if (controllers.isEmpty()) {
            fail("find", "no PCI device of class 0x010802");
            return false;
        }
        String bdf = controllers.getFirst();
        pass("find", bdf + " driver=" + pci.driver(bdf).orElse("none"));

        try (NvmeDevice unexpected = NvmeDevice.open("pcie://" + bdf)) {
            fail("not-bound-error", "opened " + unexpected.uri() + " while the kernel driver held it");
        } catch (VfioException e) {
            if (e.getMessage().contains("is bound to `nvme`, not `vfio-pci`")) {
                pass("not-bound-error", e.getMessage());
            } else {
                fail("not-bound-error", "unclear message: " + e.getMessage());
            }
        }

        pci.bindToVfio(bdf);
        DmaOptions dma = DmaOptions.defaults().withRequireHugePages(true);
        try (NvmeDevice device = NvmeDevice.open(DeviceUri.parse("pcie://" + bdf), ControllerOptions.defaults(), dma)) {
            NvmeController controller = device.controller();
            ControllerInfo info = controller.info();
            Namespace ns = controller.namespaces().getFirst();
            if (info.modelNumber().isEmpty() || info.serialNumber().isEmpty() || ns.blockCount() == 0) {
                fail("identify", info + " " + ns);
            } else {
                pass(
                        "identify",
                        "model='" + info.modelNumber() + "' serial='" + info.serialNumber() + "' version="
                                + info.version() + " mdts=" + info.maxTransferBytes() + " namespaces="
                                + controller.namespaces().size() + " ns1=" + ns.blockCount() + "x" + ns.blockSize()
                                + " hugepages=" + device.dmaMemory().hugePages());
            }
            try (IoQueuePair qp = controller.createIoQueuePair();
                    DmaBufferPool pool = new DmaBufferPool(device.dmaMemory(), CHUNK, DEPTH + 2)) {
                verify64MiB(ns, qp, pool);
                flushZeroesDeallocate(ns, qp, pool);
            }
            SmartHealth smart = controller.smartHealth();
            if (smart.hostWriteCommands() >= VERIFY_BYTES / CHUNK && smart.hostReadCommands() >= VERIFY_BYTES / CHUNK) {
                pass("smart", smart.toString());
            } else {
                fail("smart", "counters do not show the I/O just done: " + smart);
            }
            pass("error-log", controller.errorLog().size() + " entries");
            twoThreads(ns, controller, device);
        }
        System.out.println(failures.isEmpty() ? "ALL PASS" : "FAILED: " + failures);
        return failures.isEmpty();
    }

    /** Keeps DEPTH commands in flight until {@code count} chunks are done. */
    static final class Pipeline implements IoCallback<Integer> {
        final Namespace ns;
        final IoQueuePair qp;
        final MemorySegment[] buffers;
        final Integer[] slots;
        final boolean write;
        final long baseLba;
        final int chunkBlocks;
        final long count;
        final long seed;
        long next;
        long done;
        int lastError;
        long mismatches;
        final long[] chunkOfSlot;

        Pipeline(Namespace ns, IoQueuePair qp, DmaBufferPool pool, boolean write, long baseLba, long count, long seed) {
            this.ns = ns;
            this.qp = qp;
            this.write = write;
            this.baseLba = baseLba;
            this.count = count;
            this.seed = seed;
            this.chunkBlocks = CHUNK / ns.blockSize();
            this.buffers = new MemorySegment[DEPTH];
            this.slots = new Integer[DEPTH];
            this.chunkOfSlot = new long[DEPTH];
            for (int i = 0; i < DEPTH; i++) {
                buffers[i] = pool.acquire();
                slots[i] = i;
            }
        }

        void submit(int slot) {
            if (next == count) return;
            long chunk = next++;
            chunkOfSlot[slot] = chunk;
            long lba = baseLba + chunk * chunkBlocks;
            int rc;
            if (write) {
                fill(buffers[slot], seed + chunk);
                rc = ns.write(qp, buffers[slot], lba, chunkBlocks, this, slots[slot]);
            } else {
                buffers[slot].fill((byte) 0);
                rc = ns.read(qp, buffers[slot], lba, chunkBlocks, this, slots[slot]);
            }
            if (rc != IoQueuePair.SUBMITTED) throw new IllegalStateException("submission answered " + rc);
        }

        @Override
        public void onComplete(Integer slot, int status) {
            done++;
            if (status != 0) lastError = status;
            if (!write && status == 0 && !matches(buffers[slot], seed + chunkOfSlot[slot])) mismatches++;
            submit(slot);
        }

        void run() {
            for (int i = 0; i < DEPTH; i++) submit(i);
            while (done < count) qp.processCompletions(DEPTH);
        }

        void release(DmaBufferPool pool) {
            for (MemorySegment b : buffers) pool.release(b);
        }
    }

    static void fill(MemorySegment buffer, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (long i = 0; i < buffer.byteSize(); i += 8)
            buffer.set(ValueLayout.JAVA_LONG_UNALIGNED, i, random.nextLong());
    }

    static boolean matches(MemorySegment buffer, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (long i = 0; i < buffer.byteSize(); i += 8) {
            if (buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, i) != random.nextLong()) return false;
        }
        return true;
    }

    private void verify64MiB(Namespace ns, IoQueuePair qp, DmaBufferPool pool) {
        long chunks = VERIFY_BYTES / CHUNK;
        if (ns.sizeBytes() < VERIFY_BYTES) {
            fail("verify-64MiB", "namespace is only " + ns.sizeBytes() + " bytes");
            return;
        }
        long start = System.nanoTime();
        Pipeline writes = new Pipeline(ns, qp, pool, true, 0, chunks, 42);
        writes.run();
        writes.release(pool);
        Pipeline reads = new Pipeline(ns, qp, pool, false, 0, chunks, 42);
        reads.run();
        reads.release(pool);
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (writes.lastError != 0 || reads.lastError != 0) {
            fail("verify-64MiB", "status " + Status.describe(writes.lastError | reads.lastError));
        } else if (reads.mismatches != 0) {
            fail("verify-64MiB", reads.mismatches + " of " + chunks + " chunks read back different");
        } else {
            pass("verify-64MiB", chunks + " x 128 KiB written and read back identical in " + ms + " ms");
        }
    }

    private static int once(IoQueuePair qp, java.util.function.ToIntFunction<IoCallback<int[]>> submit) {
        int[] result = {-1};
        int rc = submit.applyAsInt((slot, status) -> result[0] = status);
        if (rc != IoQueuePair.SUBMITTED) return -2;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (result[0] == -1 && System.nanoTime() < deadline) qp.processCompletions(1);
        return result[0];
    }

    private void flushZeroesDeallocate(Namespace ns, IoQueuePair qp, DmaBufferPool pool) {
        int flush = once(qp, cb -> ns.flush(qp, cb, null));
        if (flush == 0) pass("flush", "completed");
        else fail("flush", Status.describe(flush));

        MemorySegment buffer = pool.acquire();
        int blocks = CHUNK / ns.blockSize();
        MemorySegment zeros = MemorySegment.ofArray(new byte[CHUNK]);
        // chunk 0 holds random data from the verify pass: zero it, read it back
        int wz = once(qp, cb -> ns.writeZeroes(qp, 0, blocks, false, cb, null));
        buffer.fill((byte) 0x77);
        int read = once(qp, cb -> ns.read(qp, buffer, 0, blocks, cb, null));
        if (wz == 0 && read == 0 && buffer.mismatch(zeros) == -1)
            pass("write-zeroes", blocks + " blocks read back zero");
        else
            fail(
                    "write-zeroes",
                    "status " + Status.describe(wz) + "/" + Status.describe(read) + ", zero="
                            + (buffer.mismatch(zeros) == -1));

        long lba = blocks;
        int dealloc = once(qp, cb -> ns.deallocate(qp, lba, blocks, cb, null));
        buffer.fill((byte) 0x77);
        read = once(qp, cb -> ns.read(qp, buffer, lba, blocks, cb, null));
        // Deallocate is advisory ("may deallocate"): the blocks read back as zeroes (deallocated,
        // DLFEAT) or as the data the verify pass wrote there (chunk 1), never as anything else
        boolean zero = buffer.mismatch(zeros) == -1;
        boolean old = matches(buffer, 42 + 1);
        if (dealloc != 0 || read != 0) {
            fail("deallocate", Status.describe(dealloc) + "/" + Status.describe(read));
        } else if (!zero && !old) {
            fail("deallocate", "the blocks read back as neither zeroes nor their old data");
        } else {
            pass(
                    "deallocate",
                    blocks + " blocks; "
                            + (zero
                                    ? "deallocated, read back zero"
                                    : "kept (the controller" + " chose not to deallocate), read back unchanged")
                            + "; DLFEAT read-zeroes=" + ns.deallocatedReadsZeroes());
        }
        pool.release(buffer);
    }

    private void twoThreads(Namespace ns, NvmeController controller, NvmeDevice device) throws InterruptedException {
        AtomicReference<String> problem = new AtomicReference<>();
        long half = ns.blockCount() / 2;
        long chunks = 64;
        Thread[] threads = new Thread[2];
        long[] qids = new long[2];
        for (int t = 0; t < 2; t++) {
            int id = t;
            threads[t] = Thread.ofPlatform().name("owner-" + t).start(() -> {
                try (IoQueuePair qp = controller.createIoQueuePair();
                        DmaBufferPool pool = new DmaBufferPool(device.dmaMemory(), CHUNK, DEPTH)) {
                    qids[id] = qp.queueId();
                    Pipeline w = new Pipeline(ns, qp, pool, true, id * half, chunks, 1000 + id);
                    w.run();
                    w.release(pool);
                    Pipeline r = new Pipeline(ns, qp, pool, false, id * half, chunks, 1000 + id);
                    r.run();
                    r.release(pool);
                    if (w.lastError != 0 || r.lastError != 0 || r.mismatches != 0) {
                        problem.compareAndSet(
                                null,
                                "thread " + id + ": errors " + w.lastError + "/" + r.lastError + ", mismatches "
                                        + r.mismatches);
                    }
                } catch (RuntimeException e) {
                    problem.compareAndSet(null, "thread " + id + ": " + e);
                }
            });
        }
        for (Thread t : threads) t.join();
        if (problem.get() == null && qids[0] != qids[1]) {
            pass(
                    "two-threads",
                    "queue pairs " + qids[0] + " and " + qids[1] + " each wrote and verified 8 MiB at once");
        } else {
            fail("two-threads", String.valueOf(problem.get()));
        }
    }
}
