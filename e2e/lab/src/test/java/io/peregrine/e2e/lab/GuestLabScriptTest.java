package io.peregrine.e2e.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The script's argument handling, on the host: these never boot a guest. */
class GuestLabScriptTest {

    private final Path script = Path.of("bin/guest-lab");

    @Test
    void helpExitsZeroAndNamesTheOptions() throws Exception {
        Outcome help = run("--help");
        assertEquals(0, help.exit);
        assertTrue(help.stdout.contains("--nvme SIZE"), help.stdout);
        assertTrue(help.stdout.contains("0x010802"), help.stdout);
    }

    @Test
    void badArgumentsFailWithTheLabStatusAndOneClearLine() throws Exception {
        assertRefused(run("--bogus"), "unknown option '--bogus'");
        assertRefused(run("--nvme", "1X", "--", "true"), "--nvme wants a size such as 256M or 1G, got '1X'");
        assertRefused(run("--hostfwd", "4420", "--", "true"), "--hostfwd wants HOSTPORT:GUESTPORT");
        assertRefused(run("--share", "/no/such/dir", "--", "true"), "--share /no/such/dir: not a directory");
        assertRefused(run("--env", "1BAD=x", "--", "true"), "--env wants NAME or NAME=VALUE");
        assertRefused(run("--timeout", "soon", "--", "true"), "--timeout wants whole seconds");
        assertRefused(run(), "no command given");
    }

    private static void assertRefused(Outcome outcome, String message) {
        assertEquals(GuestResult.LAB_FAILED, outcome.exit, outcome.stderr);
        assertTrue(outcome.stderr.contains(message), outcome.stderr);
        assertEquals(1, outcome.stderr.strip().lines().count(), outcome.stderr);
    }

    private Outcome run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Outcome(process.waitFor(), out, err);
    }

    private record Outcome(int exit, String stdout, String stderr) {}

    @Test
    void theScriptInTheJarIsTheOneInTheTree() throws IOException {
        try (var in = GuestLab.class.getResourceAsStream("guest-lab")) {
            assertTrue(in != null, "guest-lab is packaged next to GuestLab");
            assertEquals(Files.readString(script), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
