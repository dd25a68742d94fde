package io.peregrine.dataplane.lvol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.dataplane.blob.BlobStore;
import io.peregrine.dataplane.check.PoolChecker;
import io.peregrine.dataplane.reactor.IdlePolicy;
import io.peregrine.dataplane.reactor.Reactor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Power failures in process: a random workload runs against a device with a volatile write cache,
 * the power goes at a random step, and the surviving image must import, check clean and hold
 * every write that was acknowledged after a flush. Many crashes per second, so every ordering
 * rule of the store is hit from many angles.
 */
class PowerFailTest {
    @Test
    void acknowledgedFlushedWritesSurvivePowerFailures() {
        run(20, 20261121L);
    }

    @Test
    @Tag("long")
    void acknowledgedFlushedWritesSurviveAThousandPowerFailures() {
        run(1000, System.nanoTime());
    }

    private static void run(int crashes, long seed) {
        Random rnd = new Random(seed);
        PowerFailBdev dev = new PowerFailBdev(48L << 20, rnd.nextBoolean() ? 512 : 4096);
        Reactor r0 = Reactor.onCurrentThread("create", IdlePolicy.DEFAULT);
        LvolStore first = r0.runUntil(
                LvolStore.create(dev, r0.core(), PoolOptions.named("powerfail").withClusterSize(64 << 10)));
        r0.runUntil(first.export());
        CrashModel model = new CrashModel();
        long checked = 0;
        for (int cycle = 1; cycle <= crashes; cycle++) {
            Reactor r = Reactor.onCurrentThread("cycle-" + cycle, IdlePolicy.DEFAULT);
            LvolStore pool = r.runUntil(LvolStore.importPool(dev, r.core()));
            Workload w = new Workload(pool, r.core(), rnd.nextLong(), cycle, model::accept);
            w.adopt(r.runUntil(pool.list()));
            r.core().addPoller(w);
            int steps = 50 + rnd.nextInt(2000);
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                r.core().runOnce();
            }
            long t1 = System.nanoTime();
            if (CrashModel.DEBUG) {
                System.out.println("cycle " + cycle + ": " + steps + " steps " + (t1 - t0) / 1000000 + " ms, "
                        + w.submitted() + " I/Os");
            }
            dev = dev.powerFail(rnd);
            model.crashed();

            Reactor v = Reactor.onCurrentThread("verify-" + cycle, IdlePolicy.DEFAULT);
            PoolChecker.Report report = v.runUntil(PoolChecker.check(dev, v.core()));
            assertTrue(report.problems().isEmpty(), () -> "seed " + seed + ", cycle " + report.describe());
            LvolStore again = v.runUntil(LvolStore.importPool(dev, v.core()));
            long[] n = {0};
            long t2 = System.nanoTime();
            List<String> problems = CrashVerifier.verify(again, model, v, n);
            if (CrashModel.DEBUG) {
                System.out.println("  verify " + (System.nanoTime() - t2) / 1000000 + " ms");
                if (!problems.isEmpty()) {
                    for (String l : model.log) {
                        System.out.println("  ev " + l);
                    }
                }
                model.log.clear();
            }
            assertEquals(List.of(), problems, "seed " + seed + ", cycle " + steps + " steps");
            BlobStore.Stats s = v.runUntil(again.blobStore().stats());
            assertEquals(s.clusters(), s.freeClusters() + s.ownedClusters(), "every cluster is owned or free");
            checked += n[0];
            v.runUntil(again.export());
        }
        assertTrue(checked > 0);
    }
}
