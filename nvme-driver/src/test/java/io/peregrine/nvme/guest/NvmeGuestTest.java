package io.peregrine.nvme.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.e2e.lab.GuestLab;
import io.peregrine.e2e.lab.GuestResult;
import io.peregrine.e2e.lab.GuestSpec;
import io.peregrine.e2e.lab.GuestTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The driver against QEMU's NVMe controller bound to vfio-pci, behind a virtual IOMMU: one guest
 * boot runs {@link NvmeGuestProbe}, and each of its checks is reported as a test of its own.
 */
@GuestTest
class NvmeGuestTest {

    private static final List<String> CHECKS = List.of(
            "find",
            "not-bound-error",
            "identify",
            "verify-64MiB",
            "flush",
            "write-zeroes",
            "deallocate",
            "smart",
            "error-log",
            "two-threads");

    @TestFactory
    Stream<DynamicTest> driverRunsQemusNvmeThroughVfio(GuestLab lab) {
        GuestSpec spec =
                GuestSpec.builder().nvme("256M").timeout(Duration.ofMinutes(8)).build();
        GuestResult result = boot(lab, spec);
        if (result.exitCode() == GuestResult.LAB_FAILED) {
            // the guest itself did not come up (TCG on a busy host can fail the kernel's timer
            // check): that says nothing about the driver, so boot once more
            result = boot(lab, spec);
        }
        GuestResult run = result;
        List<String> lines = run.stdout().lines().toList();
        List<DynamicTest> tests = new ArrayList<>();
        // a JVM that dies mid-probe leaves every later check without a result: say why first,
        // with the head of its hs_err log (GuestLab has the guest JVM write it to the host)
        tests.add(
                DynamicTest.dynamicTest("guest JVM did not crash", () -> assertFalse(run.jvmCrashed(), run::describe)));
        for (String check : CHECKS) {
            tests.add(DynamicTest.dynamicTest(check, () -> {
                Optional<String> line = lines.stream()
                        .filter(l -> l.matches("(PASS|FAIL) " + check + ":.*"))
                        .findFirst();
                assertTrue(line.isPresent(), "no result for " + check + "\n" + run.describe());
                assertTrue(line.get().startsWith("PASS"), line.get() + "\n" + run.describe());
            }));
        }
        tests.add(DynamicTest.dynamicTest("probe exits cleanly", () -> assertEquals(0, run.exitCode(), run::describe)));
        return tests.stream();
    }

    private static GuestResult boot(GuestLab lab, GuestSpec spec) {
        return lab.runJava(
                spec, List.of("--enable-native-access=ALL-UNNAMED"), NvmeGuestProbe.class.getName(), List.of());
    }
}
