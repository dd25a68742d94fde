package io.peregrine.dataplane.lvol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.bdev.Bdevs;
import io.peregrine.dataplane.bdev.OpenMode;
import io.peregrine.dataplane.blob.BlobStore;
import io.peregrine.dataplane.check.PoolChecker;
import io.peregrine.dataplane.reactor.IdlePolicy;
import io.peregrine.dataplane.reactor.Reactor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL at random moments: a child JVM ({@link CrashChild}) writes, unmaps, flushes, creates,
 * snapshots, clones and deletes on a file:// pool while logging its events; the
 * parent kills it, then checks the pool offline, imports it, and verifies every block of every
 * volume and snapshot against what the events say must or may be there. Zero lost writes, no
 * cluster owned twice, every cluster owned or free.
 */
class CrashTest {
    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedFlushedWriteSurvivesSigkill() throws Exception {
        run(20, System.getenv("CRASH_SEED") == null ? 42 : Long.parseLong(System.getenv("CRASH_SEED")));
    }

    @Test
    @Tag("long")
    void everyAcknowledgedFlushedWriteSurvives200Sigkills() throws Exception {
        run(200, System.nanoTime());
    }

    private void run(int cycles, long seed) throws Exception {
        Random rnd = new Random(seed);
        String uri = "file://" + dir.resolve("pool.img");
        Reactor r = Reactor.onCurrentThread("crash-parent", IdlePolicy.DEFAULT);
        try (Bdev bdev = Bdevs.open(uri + "?size=64M")) {
            LvolStore pool = r.runUntil(
                    LvolStore.create(bdev, r.core(), PoolOptions.named("crash").withClusterSize(64 << 10)));
            r.runUntil(pool.export());
        }
        CrashModel model = new CrashModel();
        long blocks = 0;
        long events = 0;
        for (int cycle = 1; cycle <= cycles; cycle++) {
            long before = model.events();
            runChild(uri, rnd.nextLong(), cycle, 100 + rnd.nextInt(1200), model);
            events += model.events() - before;
            model.crashed();
            try (Bdev ro = Bdevs.open(uri, OpenMode.READ_ONLY)) {
                PoolChecker.Report report = r.runUntil(PoolChecker.check(ro, r.core()));
                assertEquals(0, report.exitCode(), "seed " + seed + ", cycle " + cycle + ": " + report.describe());
            }
            try (Bdev bdev = Bdevs.open(uri)) {
                LvolStore pool = r.runUntil(LvolStore.importPool(bdev, r.core()));
                long[] n = {0};
                List<String> log = List.copyOf(model.log);
                List<String> problems = CrashVerifier.verify(pool, model, r, n);
                if (CrashModel.DEBUG) {
                    Files.write(Path.of("target", "crash-events-" + cycle + ".log"), log);
                    Files.copy(
                            dir.resolve("child-" + cycle + ".err"),
                            Path.of("target", "crash-child-" + cycle + ".err"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    model.log.clear();
                }
                assertEquals(List.of(), problems, "seed " + seed + ", cycle " + cycle);
                blocks += n[0];
                BlobStore.Stats s = r.runUntil(pool.blobStore().stats());
                assertEquals(s.clusters(), s.freeClusters() + s.ownedClusters(), "leaked clusters, cycle " + cycle);
                r.runUntil(pool.export());
            }
        }
        assertTrue(events > cycles * 100L, "the children did too little: " + events + " events");
        System.out.println(
                "crash test: " + cycles + " SIGKILLs, " + events + " events, " + blocks + " blocks verified");
    }

    private void runChild(String uri, long seed, int cycle, int killAfterMillis, CrashModel model) throws Exception {
        Path err = dir.resolve("child-" + cycle + ".err");
        Path events = dir.resolve("child-" + cycle + ".events");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                CrashChild.class.getName(),
                uri,
                Long.toString(seed),
                Integer.toString(cycle),
                events.toString()));
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!ready(events)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly().waitFor();
                fail("cycle " + cycle + ": the child never got ready: " + Files.readString(err));
            }
            Thread.sleep(10);
        }
        Thread.sleep(killAfterMillis);
        if (!p.isAlive()) {
            fail("cycle " + cycle + ": the child died by itself (exit " + p.exitValue() + "): "
                    + Files.readString(err));
        }
        p.destroyForcibly(); // SIGKILL on Linux
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue(), "killed by SIGKILL");
        // the child is dead: every event it wrote is in the file, and nothing more can come
        String all = Files.readString(events, StandardCharsets.US_ASCII);
        int end = all.lastIndexOf('\n') + 1; // a line cut by the kill was a request never made
        for (String line : all.substring(0, end).split("\n")) {
            model.accept(line);
        }
    }

    private static boolean ready(Path events) throws java.io.IOException {
        if (!Files.exists(events)) {
            return false;
        }
        try (var in = Files.newInputStream(events)) {
            byte[] head = in.readNBytes(2);
            return head.length == 2 && head[0] == 'R' && head[1] == '\n';
        }
    }
}
