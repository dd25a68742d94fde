package io.peregrine.dataplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.bdev.Bdevs;
import io.peregrine.dataplane.lvol.LvolStore;
import io.peregrine.dataplane.lvol.PoolOptions;
import io.peregrine.dataplane.reactor.IdlePolicy;
import io.peregrine.dataplane.reactor.Reactor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PoolCommandTest {
    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {}

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = PoolCommand.run(
                args,
                new Environment(dir, Map.of(), dir.resolve("no.sock"), dir.resolve("no-hostnqn")),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void checkReportsAConsistentPoolAndListsItsVolumes() throws Exception {
        String uri = "file://" + dir.resolve("p.img");
        Reactor r = Reactor.onCurrentThread("cli", IdlePolicy.DEFAULT);
        try (Bdev bdev = Bdevs.open(uri + "?size=32M")) {
            LvolStore pool = r.runUntil(
                    LvolStore.create(bdev, r.core(), PoolOptions.named("tank").withClusterSize(1 << 20)));
            r.runUntil(pool.createVolume("pvc-1", 8 << 20, true, Map.of()));
            r.runUntil(pool.snapshot("pvc-1", "snap-1", Map.of()));
            r.runUntil(pool.export());
        }
        Run plain = run("check", uri);
        assertEquals(0, plain.status(), plain.err());
        assertTrue(plain.out().contains("pool tank"), plain.out());
        assertTrue(plain.out().trim().endsWith("consistent"), plain.out());
        Run verbose = run("check", "--verbose", uri);
        assertTrue(verbose.out().contains("pvc-1") && verbose.out().contains("snapshot"), verbose.out());
    }

    @Test
    void usageErrorsExitWithTwoAndSayWhatToDo() throws Exception {
        assertEquals(2, run().status());
        Run unknown = run("frobnicate");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("unknown subcommand 'frobnicate'"));
        Files.createFile(dir.resolve("disk.img"));
        Run path = run("check", "disk.img");
        assertEquals(2, path.status());
        assertTrue(path.err().contains("check it offline with ./peregrine pool check file://"), path.err());
        Run absent = run("check", "/nowhere/disk.img");
        assertEquals(2, absent.status());
        assertTrue(
                absent.err()
                        .contains("is a path here, and devices are named by URI: check it offline with"
                                + " ./peregrine pool check file:///nowhere/disk.img"),
                absent.err());
        Run badUri = run("check", "bogus://disk.img");
        assertEquals(2, badUri.status());
        assertTrue(badUri.err().contains("bogus://disk.img"), badUri.err());
        Run missing = run("check", "file://" + dir.resolve("nope.img"));
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("does not exist"), missing.err());
        Run memory = run("check", "malloc://?size=1G");
        assertEquals(2, memory.status());
        assertTrue(memory.err().contains("nothing on it to check"), memory.err());
        Run help = run("--help");
        assertEquals(0, help.status());
        assertTrue(
                help.out().contains("check     verify a pool: offline by URI, or by NAME through the daemon"),
                help.out());
    }

    @Test
    void aDeviceWithoutAPoolIsAProblem() throws Exception {
        String uri = "file://" + dir.resolve("empty.img");
        Bdevs.open(uri + "?size=8M").close();
        Run run = run("check", uri);
        assertEquals(1, run.status());
        assertTrue(run.out().contains("no Peregrine pool on this device"), run.out());
    }
}
