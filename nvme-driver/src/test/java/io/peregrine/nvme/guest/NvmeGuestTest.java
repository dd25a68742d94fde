package io.peregrine.nvme.guest;

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
 * The driver against QEMU's NVMe controller bound to vfio-pci, behind a virtual IOMMU, in one
 * guest boot (see {@link NvmeGuestProbe} for the checks).
 */
@GuestTest
class NvmeGuestTest {

    @Test
    void driverRunsQemusNvmeThroughVfio(GuestLab lab) {
        GuestSpec spec =
                GuestSpec.builder().nvme("256M").timeout(Duration.ofMinutes(8)).build();
        GuestResult result = lab.runJava(
                spec, List.of("--enable-native-access=ALL-UNNAMED"), NvmeGuestProbe.class.getName(), List.of());
        List<String> lines = result.stdout().lines().toList();
        for (String check : List.of(
                "find",
                "not-bound-error",
                "identify",
                "verify-64MiB",
                "flush",
                "write-zeroes",
                "deallocate",
                "smart",
                "error-log",
                "two-threads")) {
            assertTrue(
                    lines.stream().anyMatch(l -> l.startsWith("PASS " + check + ":")),
                    check + "\n" + result.describe());
        }
        assertEquals(0, result.exitCode(), result::describe);
    }
}
