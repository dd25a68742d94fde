package io.peregrine.bench.dataplane;

import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.bdev.BdevChannel;
import io.peregrine.dataplane.bdev.Bdevs;
import io.peregrine.dataplane.bdev.IoBuffer;
import io.peregrine.dataplane.lvol.LvolStore;
import io.peregrine.dataplane.lvol.PoolOptions;
import io.peregrine.dataplane.lvol.Volume;
import io.peregrine.dataplane.lvol.VolumeChannel;
import io.peregrine.dataplane.reactor.IdlePolicy;
import io.peregrine.dataplane.reactor.Reactor;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * 4 KiB random read and write IOPS on one reactor at queue depth 32: straight to the device
 * ({@code layer=bdev}) and through a thick volume on it ({@code layer=lvol}). The difference is
 * what the volume layer costs per I/O (cluster map lookup, request bookkeeping, statistics).
 * {@code emu} runs the NVMe driver against its software controller, whose own thread serves the
 * queues on another core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LvolIopsBenchmark {
    static final int DEPTH = 32;
    static final int BATCH = 8192;
    static final long VOLUME_BYTES = 512L << 20;

    /** {@code emu}: the NVMe driver against its software controller's null namespace. */
    @Param({"malloc", "null", "emu"})
    public String device;

    @Param({"bdev", "lvol"})
    public String layer;

    private Reactor reactor;
    private Bdev bdev;
    private LvolStore pool;
    private VolumeChannel volume;
    private BdevChannel raw;
    private IoBuffer[] buffers;
    private QueueDriver driver;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        reactor = Reactor.onCurrentThread("bench", IdlePolicy.DEFAULT);
        bdev = Bdevs.open(device.equals("emu") ? "emu://?null&size=1G&block=4096" : device + "://?size=1G&bs=4096");
        IoTarget target;
        if (layer.equals("lvol")) {
            pool = reactor.runUntil(LvolStore.create(bdev, reactor.core(), PoolOptions.named("bench")));
            Volume v = reactor.runUntil(pool.createVolume("thick", VOLUME_BYTES, false, Map.of()));
            volume = pool.openChannel(v.uuid(), reactor.core());
            target = IoTarget.of(volume);
        } else {
            raw = bdev.openChannel(reactor.core());
            target = IoTarget.of(raw, VOLUME_BYTES / bdev.blockSize());
        }
        buffers = new IoBuffer[DEPTH];
        for (int i = 0; i < DEPTH; i++) {
            buffers[i] = bdev.allocateBuffer(4096);
        }
        driver = new QueueDriver(target, reactor.core(), bdev.blockSize(), DEPTH, buffers);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long randread() {
        return driver.run(BATCH, false);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long randwrite() {
        return driver.run(BATCH, true);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (volume != null) {
            volume.close();
            reactor.runUntil(pool.export());
        }
        if (raw != null) {
            raw.close();
        }
        for (IoBuffer b : buffers) {
            b.close();
        }
        bdev.close();
    }
}
