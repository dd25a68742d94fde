package io.peregrine.e2e.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A guest JVM started by {@link GuestLab#runJava} survives a JIT that keeps compiling fresh hot
 * methods for a minute and a half. With tiered compilation under TCG this crashed about one JVM
 * in three (SIGILL at a C1 method's entry+4); {@link GuestLab#GUEST_JIT} is why it no longer does.
 */
@GuestTest
@Tag("long")
class GuestJitTest {

    @Test
    void aGuestJvmSurvivesTheJitReplacingCodeWhileItRuns(GuestLab lab) {
        GuestResult result =
                lab.runJava(GuestSpec.builder().timeout(Duration.ofMinutes(4)).build(), GuestJitChurnProbe.class, "90");

        assertFalse(result.jvmCrashed(), result::describe);
        assertEquals(0, result.exitCode(), result::describe);
        assertTrue(result.stdout().startsWith("churned "), result::describe);
    }
}
