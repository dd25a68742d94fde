package io.peregrine.bench.dataplane;

import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.bdev.Bdevs;
import io.peregrine.dataplane.bdev.IoBuffer;
import io.peregrine.dataplane.bdev.IoStatus;
import io.peregrine.dataplane.lvol.LvolStore;
import io.peregrine.dataplane.lvol.PoolOptions;
import io.peregrine.dataplane.lvol.Volume;
import io.peregrine.dataplane.lvol.VolumeChannel;
import io.peregrine.dataplane.reactor.IdlePolicy;
import io.peregrine.dataplane.reactor.Reactor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Snapshot and clone latency of a 1 GiB volume with 64 MiB written: freeze, flush, commit,
 * thaw. On {@code malloc} that is the engine's own cost; on {@code file} (a sparse file in the
 * temp directory) it includes the two fdatasyncs a durable commit takes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class SnapshotBenchmark {
    @Param({"malloc", "file"})
    public String device;

    private Reactor reactor;
    private Path dir;
    private Bdev bdev;
    private LvolStore pool;
    private int serial;
    private String made;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        reactor = Reactor.onCurrentThread("bench", IdlePolicy.DEFAULT);
        if (device.equals("file")) {
            dir = Files.createTempDirectory("peregrine-bench");
            bdev = Bdevs.open("file://" + dir.resolve("pool.img") + "?size=4G");
        } else {
            bdev = Bdevs.open("malloc://?size=2G");
        }
        pool = reactor.runUntil(LvolStore.create(bdev, reactor.core(), PoolOptions.named("bench")));
        Volume v = reactor.runUntil(pool.createVolume("vol", 1L << 30, true, Map.of()));
        VolumeChannel ch = pool.openChannel(v.uuid(), reactor.core());
        try (IoBuffer buf = bdev.allocateBuffer(1 << 20)) {
            for (long at = 0; at < (64L << 20); at += 1 << 20) {
                CompletableFuture<IoStatus> f = new CompletableFuture<>();
                ch.write(at / 512, (1 << 20) / 512, buf.segment(), 0, false, f::complete);
                reactor.runUntil(f);
            }
        }
        ch.close();
        reactor.runUntil(pool.snapshot("vol", "gold", Map.of()));
    }

    @Benchmark
    public Volume snapshot() {
        made = "s" + serial++;
        return reactor.runUntil(pool.snapshot("vol", made, Map.of()));
    }

    @Benchmark
    public Volume cloneOfSnapshot() {
        made = "c" + serial++;
        return reactor.runUntil(pool.clone("gold", made, Map.of()));
    }

    /** The snapshot merges back into the volume (or the clone goes), outside the measurement. */
    @TearDown(Level.Invocation)
    public void dropIt() {
        reactor.runUntil(pool.delete(made));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        reactor.runUntil(pool.export());
        bdev.close();
        if (dir != null) {
            Files.deleteIfExists(dir.resolve("pool.img"));
            Files.deleteIfExists(dir);
        }
    }
}
