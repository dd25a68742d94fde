package io.peregrine.e2e.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuestSpecTest {

    @Test
    void defaultsAreOneTwoGigabyteGuestWithFiveMinutes() {
        assertEquals(
                List.of("--mem", "2G", "--cpus", "2", "--hugepages", "64", "--timeout", "300"),
                GuestSpec.builder().build().toOptions());
    }

    @Test
    void everyOptionBecomesTheScriptsFlag() {
        GuestSpec spec = GuestSpec.builder()
                .nvme("256M")
                .nvme("1G")
                .memory("3G")
                .cpus(1)
                .hugepages(128)
                .share(Path.of("/tmp/x"))
                .forward(14420, 4420)
                .env("A", "b c")
                .module("null_blk")
                .module("loop")
                .timeout(Duration.ofSeconds(90))
                .console(Path.of("/tmp/console.log"))
                .build();
        assertEquals(
                List.of(
                        "--nvme",
                        "256M",
                        "--nvme",
                        "1G",
                        "--mem",
                        "3G",
                        "--cpus",
                        "1",
                        "--hugepages",
                        "128",
                        "--share",
                        "/tmp/x",
                        "--hostfwd",
                        "14420:4420",
                        "--env",
                        "A=b c",
                        "--modules",
                        "null_blk loop",
                        "--timeout",
                        "90",
                        "--console",
                        "/tmp/console.log"),
                spec.toOptions());
    }

    @Test
    void badShapesAreRefusedBeforeAnyGuestBoots() {
        assertThrows(IllegalArgumentException.class, () -> GuestSpec.builder().nvme("1X"));
        assertThrows(IllegalArgumentException.class, () -> GuestSpec.builder().nvme("0G"));
        assertThrows(
                IllegalArgumentException.class,
                () -> GuestSpec.builder().memory("lots").build());
        assertThrows(
                IllegalArgumentException.class,
                () -> GuestSpec.builder().cpus(0).build());
        assertThrows(IllegalArgumentException.class, () -> GuestSpec.builder().forward(0, 4420));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> GuestSpec.builder().timeout(Duration.ofMillis(10)).build());
        assertTrue(e.getMessage().contains("timeout"), e.getMessage());
    }
}
