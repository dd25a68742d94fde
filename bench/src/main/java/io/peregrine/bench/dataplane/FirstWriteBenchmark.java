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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
 * The cost of the first 4 KiB write into a cluster (default 4 MiB clusters), one at a time:
 *
 * <ul>
 *   <li>{@code thin-null}: on the null device, where zeroing costs nothing: the engine's own cost
 *       (a round trip to the metadata reactor for the grant, the write, the mapping), which is
 *       also what a never-used cluster (above the high-water mark, no zeroing) costs anywhere;
 *   <li>{@code thin-malloc}: a cluster a deleted volume gave back, in memory: the 4 MiB around
 *       the write are zeroed;
 *   <li>{@code clone-cow}: a clone's first write, in memory: the snapshot's 4 MiB are copied;
 *   <li>{@code overwrite}: the same writes into mapped clusters, in memory (the baseline).
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class FirstWriteBenchmark {
    static final int WRITES = 32;
    static final long CLUSTER = 4L << 20;

    @Param({"thin-null", "thin-malloc", "clone-cow", "overwrite"})
    public String kind;

    private Reactor reactor;
    private Bdev bdev;
    private LvolStore pool;
    private IoBuffer buf;
    private VolumeChannel ch;
    private String current;
    private int serial;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        reactor = Reactor.onCurrentThread("bench", IdlePolicy.DEFAULT);
        bdev = Bdevs.open(kind.equals("thin-null") ? "null://?size=1G&bs=4096" : "malloc://?size=1G&bs=4096");
        pool = reactor.runUntil(LvolStore.create(bdev, reactor.core(), PoolOptions.named("bench")));
        buf = bdev.allocateBuffer(4096);
        if (kind.equals("clone-cow")) {
            reactor.runUntil(pool.createVolume("base", WRITES * CLUSTER, true, Map.of()));
            Volume base = reactor.runUntil(pool.lookup("base"));
            VolumeChannel b = pool.openChannel(base.uuid(), reactor.core());
            writeAll(b);
            b.close();
            reactor.runUntil(pool.snapshot("base", "gold", Map.of()));
        }
        if (kind.equals("overwrite")) {
            ch = open(reactor.runUntil(pool.createVolume("v", WRITES * CLUSTER, true, Map.of())));
            writeAll(ch);
        }
    }

    private VolumeChannel open(Volume v) {
        current = v.name();
        return pool.openChannel(v.uuid(), reactor.core());
    }

    /** A fresh volume whose clusters are all still to be written. */
    @Setup(Level.Invocation)
    public void fresh() {
        if (kind.equals("overwrite")) {
            return;
        }
        String name = "v" + serial++;
        ch = open(
                kind.equals("clone-cow")
                        ? reactor.runUntil(pool.clone("gold", name, Map.of()))
                        : reactor.runUntil(pool.createVolume(name, WRITES * CLUSTER, true, Map.of())));
    }

    @Benchmark
    @OperationsPerInvocation(WRITES)
    public void firstWrite() {
        writeAll(ch);
    }

    private void writeAll(VolumeChannel c) {
        long clusterBlocks = CLUSTER / c.blockSize();
        for (int i = 0; i < WRITES; i++) {
            CompletableFuture<IoStatus> f = new CompletableFuture<>();
            c.write(i * clusterBlocks + 8, 4096 / c.blockSize(), buf.segment(), 0, false, f::complete);
            if (reactor.runUntil(f) != IoStatus.SUCCESS) {
                throw new IllegalStateException("write failed");
            }
        }
    }

    /** Deleting the volume recycles its clusters (below the high-water mark: they get zeroed). */
    @TearDown(Level.Invocation)
    public void recycle() {
        if (kind.equals("overwrite")) {
            return;
        }
        ch.close();
        reactor.runUntil(pool.delete(current));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (kind.equals("overwrite")) {
            ch.close();
        }
        buf.close();
        reactor.runUntil(pool.export());
        bdev.close();
    }
}
