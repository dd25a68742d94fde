package io.peregrine.csi.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.e2e.lab.GuestLab;
import io.peregrine.e2e.lab.GuestResult;
import io.peregrine.e2e.lab.GuestSpec;
import io.peregrine.e2e.lab.GuestTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The node plugin against a real kernel: nvme-cli, the NVMe/TCP host, mkfs, mount. One guest
 * boot runs every scenario of {@link NodeLifecycleProbe}; this test checks each one reported.
 */
@GuestTest
class NodeLifecycleGuestTest {

    private static final List<String> SCENARIOS = List.of(
            "PASS unreachable target is UNAVAILABLE",
            "PASS stage ext4, xfs and block side by side, twice each",
            "PASS publish, twice each",
            "PASS write files and blocks",
            "PASS stats: bytes, inodes, condition",
            "PASS expand online: rescan, resize2fs, xfs_growfs",
            "PASS read back after expand",
            "PASS read-only publish",
            "PASS unpublish and unstage, twice each; nothing left behind",
            "PASS stage after the target restarted",
            "PASS condition follows a target outage; I/O resumes after it",
            "PASS unstage with the target gone finished in");

    @Test
    void stagePublishWriteMeasureExpandReadUnpublishUnstageAgainstTheKernelTarget(GuestLab lab) {
        GuestResult result = lab.runJava(
                GuestSpec.builder()
                        .memory("2G")
                        .hugepages(0)
                        .module("ext4")
                        .module("xfs")
                        .timeout(Duration.ofMinutes(6))
                        .build(),
                NodeLifecycleProbe.JVM_OPTIONS,
                NodeLifecycleProbe.class.getName(),
                List.of("/run/csi-test"));

        assertEquals(0, result.exitCode(), result::describe);
        result.stdout().lines().filter(l -> l.startsWith("PASS")).forEach(System.out::println);
        System.out.println("guest run took " + result.elapsed().toMillis() + " ms");
        for (String scenario : SCENARIOS) {
            assertTrue(
                    result.stdout().lines().anyMatch(l -> l.startsWith(scenario)),
                    () -> "missing '" + scenario + "'\n" + result.describe());
        }
    }
}
