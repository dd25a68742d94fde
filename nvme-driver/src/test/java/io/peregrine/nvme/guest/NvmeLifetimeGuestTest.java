package io.peregrine.nvme.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.peregrine.e2e.lab.GuestLab;
import io.peregrine.e2e.lab.GuestResult;
import io.peregrine.e2e.lab.GuestSpec;
import io.peregrine.e2e.lab.GuestTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Open, verify, close, twenty times in one JVM against QEMU's controller through VFIO
 * ({@link LifetimeHammerProbe}): DMA regions, BAR0 and queues are mapped and unmapped again and
 * again, so a lifetime that ends too early shows as a crash (with its hs_err head) or a mismatch.
 */
@GuestTest
@Tag("long")
class NvmeLifetimeGuestTest {

    @Test
    void openVerifyCloseTwentyTimesInOneJvm(GuestLab lab) {
        GuestResult result = lab.runJava(
                GuestSpec.builder().nvme("256M").timeout(Duration.ofMinutes(8)).build(),
                List.of("--enable-native-access=ALL-UNNAMED"),
                LifetimeHammerProbe.class.getName(),
                List.of("20", "8"));

        assertFalse(result.jvmCrashed(), result::describe);
        assertEquals(0, result.exitCode(), result::describe);
    }
}
