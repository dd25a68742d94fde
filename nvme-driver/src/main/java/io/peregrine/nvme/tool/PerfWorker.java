package io.peregrine.nvme.tool;

import io.peregrine.nvme.dma.DmaBufferPool;
import io.peregrine.nvme.driver.IoCallback;
import io.peregrine.nvme.driver.IoQueuePair;
import io.peregrine.nvme.driver.Namespace;
import io.peregrine.nvme.driver.NvmeController;
import io.peregrine.nvme.spec.Status;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One perf thread: its own queue pair and buffers, {@code depth} commands kept in flight, each
 * completion recording its latency and submitting the next command from the callback. Nothing
 * is allocated per I/O, as in a reactor.
 */
final class PerfWorker implements IoCallback<Integer>, Runnable {

    private static final long MAX_LATENCY = TimeUnit.SECONDS.toNanos(60);

    private final PerfOptions options;
    private final NvmeController controller;
    private final Namespace ns;
    private final long firstUnit;
    private final long units;
    private final int blocksPerIo;
    private final CountDownLatch ready;
    private final long[] startNanos;
    final Histogram latency = new Histogram(1, MAX_LATENCY, 3);

    private IoQueuePair qp;
    private MemorySegment[] buffers;
    private Integer[] slots;
    private long[] submitted;
    private long[] unitOfSlot;
    private boolean[] writeOfSlot;
    private int[] versions;
    private boolean[] busy;
    private long sequential;
    private long random = 0x9E3779B97F4A7C15L;
    private boolean measuring;
    private boolean stopping;
    private long measureStart;
    private long measureEnd;

    long ios;
    long reads;
    long writes;
    long errors;
    long mismatches;
    int lastError;
    long threadCpuNanos;
    long windowNanos;
    volatile Throwable failure;

    PerfWorker(
            PerfOptions options,
            NvmeController controller,
            Namespace ns,
            long firstUnit,
            long units,
            CountDownLatch ready,
            long[] startNanos,
            long seed) {
        this.options = options;
        this.controller = controller;
        this.ns = ns;
        this.firstUnit = firstUnit;
        this.units = units;
        this.blocksPerIo = options.ioSize() / ns.blockSize();
        this.ready = ready;
        this.startNanos = startNanos;
        this.random ^= seed * 0xBF58476D1CE4E5B9L;
    }

    @Override
    public void run() {
        int depth = options.depth();
        int bufferBytes = (options.ioSize() + 4095) & -4096;
        try (IoQueuePair pair = controller.createIoQueuePair(
                        io.peregrine.nvme.driver.QueuePairOptions.defaults().withEntries(Math.max(depth + 1, 2)));
                DmaBufferPool pool = new DmaBufferPool(controller.dmaMemory(), bufferBytes, depth)) {
            qp = pair;
            buffers = new MemorySegment[depth];
            slots = new Integer[depth];
            submitted = new long[depth];
            unitOfSlot = new long[depth];
            writeOfSlot = new boolean[depth];
            for (int i = 0; i < depth; i++) {
                buffers[i] = pool.acquire().asSlice(0, options.ioSize());
                slots[i] = i;
            }
            if (options.verify()) {
                versions = new int[(int) units];
                busy = new boolean[(int) units];
                if (options.workload().reads) prefill();
            }
            ready.countDown();
            synchronized (startNanos) {
                while (startNanos[0] == 0) startNanos.wait();
            }
            long start = startNanos[0];
            long measureFrom = start + options.warmUp().toNanos();
            long end = measureFrom + options.time().toNanos();
            measuring = options.warmUp().isZero();
            long cpuStart = measuring ? threadCpu() : 0;
            measureStart = measuring ? System.nanoTime() : 0;
            for (int i = 0; i < depth; i++) submit(i, System.nanoTime());
            while (true) {
                qp.processCompletions(depth);
                long now = System.nanoTime();
                if (!measuring && now >= measureFrom) {
                    measuring = true;
                    measureStart = now;
                    cpuStart = threadCpu();
                }
                if (now >= end) break;
            }
            stopping = true;
            measureEnd = System.nanoTime();
            threadCpuNanos = threadCpu() - cpuStart;
            windowNanos = measureEnd - measureStart;
            measuring = false;
            long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (qp.hasOutstanding() && System.nanoTime() < drainDeadline) qp.processCompletions(depth);
        } catch (Throwable t) {
            failure = t;
            ready.countDown();
        }
    }

    private static long threadCpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /** Writes every unit of the range once (version 1), so reads have something to verify. */
    private void prefill() {
        Prefill fill = new Prefill();
        long next = 0;
        int inFlight = 0;
        for (int slot = 0; slot < buffers.length && next < units; slot++, next++) {
            fill.submit(slot, next);
            inFlight++;
        }
        while (fill.done < units) {
            qp.processCompletions(buffers.length);
            while (fill.free > 0 && next < units) fill.submit(fill.freeSlots[--fill.free], next++);
        }
        if (fill.failed != 0) {
            throw new IllegalStateException("prefill for --verify failed: " + Status.describe(fill.failed));
        }
    }

    private final class Prefill implements IoCallback<Integer> {
        long done;
        int failed;
        final int[] freeSlots = new int[buffers.length];
        int free;

        void submit(int slot, long unit) {
            pattern(buffers[slot], firstUnit + unit, 1);
            versions[(int) unit] = 1;
            int rc = ns.write(qp, buffers[slot], (firstUnit + unit) * blocksPerIo, blocksPerIo, this, slots[slot]);
            if (rc != IoQueuePair.SUBMITTED) throw new IllegalStateException("prefill submission answered " + rc);
        }

        @Override
        public void onComplete(Integer slot, int status) {
            done++;
            if (status != 0) failed = status;
            freeSlots[free++] = slot;
        }
    }

    private long nextRandom() {
        random ^= random << 13;
        random ^= random >>> 7;
        random ^= random << 17;
        return random >>> 1;
    }

    private void submit(int slot, long now) {
        long unit;
        if (options.workload().random) {
            unit = nextRandom() % units;
        } else {
            unit = sequential++;
            if (sequential == units) sequential = 0;
        }
        if (busy != null) {
            for (long probes = 0; busy[(int) unit] && probes < units; probes++) unit = unit + 1 == units ? 0 : unit + 1;
            busy[(int) unit] = true;
        }
        boolean write = options.workload() == Workload.RANDRW
                ? nextRandom() % 100 >= options.readPercent()
                : options.workload().writes;
        MemorySegment buffer = buffers[slot];
        long lba = (firstUnit + unit) * blocksPerIo;
        unitOfSlot[slot] = unit;
        writeOfSlot[slot] = write;
        int rc;
        if (write) {
            if (versions != null) pattern(buffer, firstUnit + unit, ++versions[(int) unit]);
            submitted[slot] = now;
            rc = ns.write(qp, buffer, lba, blocksPerIo, this, slots[slot]);
        } else {
            submitted[slot] = now;
            rc = ns.read(qp, buffer, lba, blocksPerIo, this, slots[slot]);
        }
        if (rc != IoQueuePair.SUBMITTED) {
            throw new IllegalStateException("submission answered " + rc
                    + (rc == IoQueuePair.DISCONNECTED
                            ? ": the controller is resetting or failed (" + controller.state() + ")"
                            : ""));
        }
    }

    @Override
    public void onComplete(Integer slot, int status) {
        long now = System.nanoTime();
        int s = slot;
        if (measuring) {
            latency.recordValue(Math.min(now - submitted[s], MAX_LATENCY));
            ios++;
            if (writeOfSlot[s]) writes++;
            else reads++;
        }
        if (status != 0) {
            errors++;
            lastError = status;
        } else if (versions != null && !writeOfSlot[s]) {
            long unit = unitOfSlot[s];
            int version = versions[(int) unit];
            if (version != 0 && !matches(buffers[s], firstUnit + unit, version)) mismatches++;
        }
        if (busy != null) busy[(int) unitOfSlot[s]] = false;
        if (!stopping) submit(s, now);
    }

    /** The verify pattern: 8-byte words from a generator seeded by the unit and its write version. */
    static void pattern(MemorySegment buffer, long unit, int version) {
        long x = seed(unit, version);
        for (long i = 0; i < buffer.byteSize(); i += 8) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            buffer.set(ValueLayout.JAVA_LONG_UNALIGNED, i, x);
        }
    }

    static boolean matches(MemorySegment buffer, long unit, int version) {
        long x = seed(unit, version);
        for (long i = 0; i < buffer.byteSize(); i += 8) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            if (buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, i) != x) return false;
        }
        return true;
    }

    private static long seed(long unit, int version) {
        long x = unit * 0x9E3779B97F4A7C15L + version * 0xC2B2AE3D27D4EB4FL;
        return x == 0 ? 1 : x;
    }
}
