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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Importing a pool that holds 1,000 volumes (each with a written cluster and CSI attributes) and
 * 100 snapshots: read and check the checkpoint, rebuild every blob and the allocation, index the
 * names. The pool was exported cleanly, so nothing is replayed or written.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ImportBenchmark {
    static final int VOLUMES = 1000;
    static final int SNAPSHOTS = 100;

    private Reactor reactor;
    private Bdev bdev;
    private LvolStore imported;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        reactor = Reactor.onCurrentThread("bench", IdlePolicy.DEFAULT);
        bdev = Bdevs.open("malloc://?size=2G");
        LvolStore pool = reactor.runUntil(LvolStore.create(
                bdev, reactor.core(), PoolOptions.named("bench").withClusterSize(1 << 20)));
        try (IoBuffer buf = bdev.allocateBuffer(4096)) {
            for (int i = 0; i < VOLUMES; i++) {
                Volume v = reactor.runUntil(pool.createVolume(
                        String.format("pvc-%04d", i),
                        10L << 30,
                        true,
                        Map.of(
                                "csi.storage.k8s.io/pvc/name",
                                "data-" + i,
                                "csi.storage.k8s.io/pvc/namespace",
                                "default")));
                VolumeChannel ch = pool.openChannel(v.uuid(), reactor.core());
                CompletableFuture<IoStatus> f = new CompletableFuture<>();
                ch.write(0, 8, buf.segment(), 0, false, f::complete);
                reactor.runUntil(f);
                ch.close();
            }
        }
        for (int i = 0; i < SNAPSHOTS; i++) {
            reactor.runUntil(pool.snapshot(String.format("pvc-%04d", i * 10), "snap-" + i, Map.of()));
        }
        reactor.runUntil(pool.export());
    }

    @Benchmark
    public LvolStore importPool() {
        imported = reactor.runUntil(LvolStore.importPool(bdev, reactor.core()));
        return imported;
    }

    @TearDown(Level.Invocation)
    public void exportAgain() {
        reactor.runUntil(imported.export());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        bdev.close();
    }
}
