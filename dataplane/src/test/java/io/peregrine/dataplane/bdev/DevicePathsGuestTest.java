package io.peregrine.dataplane.bdev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.e2e.lab.GuestLab;
import io.peregrine.e2e.lab.GuestResult;
import io.peregrine.e2e.lab.GuestSpec;
import io.peregrine.e2e.lab.GuestTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * uring:// on a real kernel block device (an emulated NVMe namespace), then the same pool through
 * pcie:// once the controller is bound to vfio-pci: one guest boot for both device paths.
 */
@GuestTest
class DevicePathsGuestTest {
    @Test
    void aPoolLivesOnARealNvmeDeviceThroughIoUringAndThroughTheUserspaceDriver(GuestLab lab) {
        GuestResult r = lab.runJava(
                GuestSpec.builder().nvme("256M").timeout(Duration.ofMinutes(6)).build(), DevicePathsGuestProbe.class);
        System.out.println(r.stdout());
        assertEquals(0, r.exitCode(), r::describe);
        assertTrue(r.stdout().contains("PROBE OK"), r::describe);
    }
}
