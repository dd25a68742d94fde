package io.peregrine.bench.nvme;

import io.peregrine.nvme.dma.DmaBufferPool;
import io.peregrine.nvme.dma.DmaMemory;
import io.peregrine.nvme.dma.DmaOptions;
import io.peregrine.nvme.driver.ControllerOptions;
import io.peregrine.nvme.driver.IoCallback;
import io.peregrine.nvme.driver.IoQueuePair;
import io.peregrine.nvme.driver.Namespace;
import io.peregrine.nvme.driver.NvmeController;
import io.peregrine.nvme.driver.QueuePairOptions;
import io.peregrine.nvme.emu.EmuBackend;
import io.peregrine.nvme.emu.EmulatedController;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Driver-side CPU per 4 KiB read: a batch of {@value #BATCH} reads submitted, the model stepped
 * once on this same thread (no second core, no cache-line ping-pong), then the batch completed
 * through {@code processCompletions}. The model's share is timed apart ({@link ModelTime}): the
 * driver's cost per I/O is the score minus {@code modelNanos / ios}.
 *
 * <p>The namespace is a null one: the model moves no data, so what remains is the driver (build
 * the SQE and PRPs, ring the doorbell, poll the CQE, run the callback) and the model's own queue
 * walking. Run with {@code -prof gc} to see the allocation rate: 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class NvmeDriverBenchmark {

    static final int BATCH = 32;

    /** Model time and I/O count, reported by JMH beside the score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class ModelTime {
        public long modelNanos;
        public long ios;

        @Setup(Level.Iteration)
        public void clear() {
            modelNanos = 0;
            ios = 0;
        }
    }

    /** One callback for every I/O; counts completions and errors. */
    static final class Counter implements IoCallback<Object> {
        long completed;
        long errors;

        @Override
        public void onComplete(Object arg, int status) {
            completed++;
            if (status != 0) errors++;
        }
    }

    private EmulatedController model;
    private DmaMemory dma;
    private NvmeController controller;
    private IoQueuePair qp;
    private DmaBufferPool pool;
    private Namespace ns;
    private final MemorySegment[] buffers = new MemorySegment[BATCH];
    private final Counter counter = new Counter();
    private long lbaState = 0x9E3779B97F4A7C15L;
    private long blocks8;

    @Setup(Level.Trial)
    public void open() {
        model = EmulatedController.builder()
                .namespace(EmuBackend.nullBackend(1L << 40))
                .build();
        model.start();
        dma = new DmaMemory(model.pciFunction().dmaMapper(), DmaOptions.defaults(), "bench");
        controller = NvmeController.open(model.pciFunction(), dma, ControllerOptions.defaults());
        ns = controller.namespaces().getFirst();
        qp = controller.createIoQueuePair(QueuePairOptions.defaults().withEntries(64));
        pool = new DmaBufferPool(dma, 4096, BATCH);
        for (int i = 0; i < BATCH; i++) buffers[i] = pool.acquire();
        blocks8 = ns.blockCount() / 8;
        model.stop(); // from here on this thread steps the model
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long read4k(ModelTime time) {
        for (int i = 0; i < BATCH; i++) {
            lbaState ^= lbaState << 13;
            lbaState ^= lbaState >>> 7;
            lbaState ^= lbaState << 17;
            long lba = ((lbaState >>> 1) % blocks8) * 8;
            if (ns.read(qp, buffers[i], lba, 8, counter, null) != IoQueuePair.SUBMITTED) {
                throw new IllegalStateException("submission refused");
            }
        }
        qp.flushSubmissions();
        long start = System.nanoTime();
        model.runOnce();
        time.modelNanos += System.nanoTime() - start;
        time.ios += BATCH;
        int done = 0;
        while (done < BATCH) done += qp.processCompletions(BATCH);
        return counter.completed;
    }

    @TearDown(Level.Trial)
    public void close() {
        if (counter.errors != 0) throw new IllegalStateException(counter.errors + " I/O errors");
        model.start(); // the controller's shutdown needs a running model
        controller.close();
        dma.close();
        model.close();
    }
}
