package io.peregrine.e2e.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proves the lab end to end: boot, NVMe by class, vfio-pci, the host's JDK, I/O across the boundary. */
@GuestTest
class GuestLabSmokeTest {

    @Test
    void guestBootsSeesNvmeBindsItToVfioAndRunsTheHostJdk(GuestLab lab) {
        GuestResult result = lab.runJava(
                GuestSpec.builder().nvme("64M").timeout(Duration.ofMinutes(3)).build(), GuestSmokeProbe.class);

        assertEquals(0, result.exitCode(), result::describe);
        List<String> lines = result.stdout().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.matches("nvme \\S+ driver=nvme")), result::describe);
        assertTrue(
                lines.stream().anyMatch(l -> l.matches("vfio \\S+ driver=vfio-pci group=/dev/vfio/\\d+ present=true")),
                result::describe);
        assertTrue(
                lines.contains("java " + Runtime.version().feature() + " " + System.getProperty("java.vm.vendor")),
                result::describe);
        assertTrue(lines.contains("HugePages_Total: 64"), result::describe);
    }

    @Test
    void aGuestJvmThatCrashesLeavesTheHeadOfItsErrorLogInTheResult(GuestLab lab) {
        GuestResult result =
                lab.runJava(GuestSpec.builder().timeout(Duration.ofMinutes(2)).build(), GuestCrashProbe.class);

        assertTrue(result.stdout().contains("about to crash"), result::describe);
        assertFalse(result.stdout().contains("still alive"), result::describe);
        assertTrue(result.jvmCrashed(), result::describe);
        assertTrue(result.jvmCrash().contains("SIGSEGV"), result::describe);
        assertTrue(result.jvmCrash().contains("GuestCrashProbe.main"), result::describe);
        assertTrue(result.describe().contains("--- guest JVM crash ---"), result::describe);
    }

    @Test
    void statusOutputEnvironmentAndSharesCrossTheBoundary(GuestLab lab, @TempDir Path shared) throws IOException {
        GuestSpec spec = GuestSpec.builder()
                .share(shared)
                .env("PEREGRINE_GREETING", "hello from the host")
                .timeout(Duration.ofMinutes(2))
                .build();
        String script = "echo \"$PEREGRINE_GREETING\" > " + shared.resolve("note")
                + "; echo to-stdout; echo to-stderr >&2; uname -r; exit 7";

        GuestResult result = lab.run(spec, List.of("bash", "-c", script));

        assertEquals(7, result.exitCode(), result::describe);
        assertTrue(result.stdout().startsWith("to-stdout\n"), result::describe);
        assertEquals("to-stderr\n", result.stderr(), result::describe);
        assertTrue(result.stdout().lines().skip(1).findFirst().orElse("").endsWith("-amd64"), result::describe);
        assertEquals("hello from the host\n", Files.readString(shared.resolve("note")));
    }

    @Test
    void aRunThatOverrunsItsLimitIsStoppedAndReportedAsTimedOut(GuestLab lab) {
        GuestResult result =
                lab.run(GuestSpec.builder().timeout(Duration.ofSeconds(3)).build(), List.of("sleep", "600"));

        assertTrue(result.timedOut(), result::describe);
        assertTrue(result.elapsed().compareTo(Duration.ofSeconds(60)) < 0, result::describe);
        assertTrue(result.stderr().contains("timed out after"), result::describe);
    }
}
