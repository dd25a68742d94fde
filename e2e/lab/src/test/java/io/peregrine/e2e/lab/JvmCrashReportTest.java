package io.peregrine.e2e.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crash logs on the host side: what is quoted, what is kept, what a run without a crash leaves. */
class JvmCrashReportTest {

    private static final List<String> LOG = List.of(
            "#",
            "# A fatal error has been detected by the Java Runtime Environment:",
            "#",
            "#  SIGSEGV (0xb) at pc=0x00007f0000001234, pid=174, tid=175",
            "# Problematic frame:",
            "# J 1108 c1 jdk.internal.foreign.AbstractMemorySegmentImpl.set(Ljava/lang/foreign/ValueLayout$OfLong;JJ)V",
            "",
            "Current thread (0x00007ff3ec02a360):  JavaThread \"main\"",
            "siginfo: si_signo: 11 (SIGSEGV), si_code: 1 (SEGV_MAPERR), si_addr: 0x0000000000000008",
            "",
            "Registers:",
            "RAX=0x0000000000000000");

    @Test
    void theHeadEndsAtTheRegisterDumpAndNamesTheFileThatHoldsTheRest(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("hs_err_pid174.log");
        Files.write(log, LOG);

        String report = JvmCrashReport.collect(dir);

        assertTrue(report.startsWith("the guest JVM crashed; head of " + log + ":\n"), report);
        assertTrue(report.contains("SIGSEGV (0xb) at pc=0x00007f0000001234"), report);
        assertTrue(report.contains("AbstractMemorySegmentImpl.set"), report);
        assertTrue(report.contains("si_addr: 0x0000000000000008"), report);
        assertFalse(report.contains("Registers:"), report);
        assertFalse(report.contains("RAX="), report);
        assertTrue(Files.exists(log), "the whole log stays for whoever wants more");
    }

    @Test
    void aLongHeadIsCut(@TempDir Path dir) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 500; i++) lines.add("line " + i);
        Path log = dir.resolve("hs_err_pid1.log");
        Files.write(log, lines);

        assertEquals(
                JvmCrashReport.MAX_HEAD_LINES, JvmCrashReport.head(log).lines().count());
    }

    @Test
    void aRunWithoutACrashReportsNothingAndRemovesItsDirectory() {
        Path dir = JvmCrashReport.newDirectory();

        assertEquals("", JvmCrashReport.collect(dir));
        assertFalse(Files.exists(dir));
    }

    @Test
    void theErrorFileOptionPointsIntoTheDirectoryWithTheJvmsPidPattern(@TempDir Path dir) {
        assertEquals(
                "-XX:ErrorFile=" + dir.toAbsolutePath() + "/hs_err_pid%p.log", JvmCrashReport.errorFileOption(dir));
    }

    @Test
    void describeLeadsWithTheCrash() {
        GuestResult crashed = new GuestResult(134, "PASS a\n", "# A fatal error\n", Duration.ofSeconds(3))
                .withJvmCrash("the guest JVM crashed; head of /tmp/x/hs_err_pid9.log:\n# SIGILL\n");

        assertTrue(crashed.jvmCrashed());
        String text = crashed.describe();
        assertTrue(text.startsWith("guest run: exit 134 after 3000 ms\n--- guest JVM crash ---\n"), text);
        assertTrue(text.indexOf("# SIGILL") < text.indexOf("--- stdout ---"), text);
        assertFalse(new GuestResult(0, "", "", Duration.ZERO).jvmCrashed());
    }
}
