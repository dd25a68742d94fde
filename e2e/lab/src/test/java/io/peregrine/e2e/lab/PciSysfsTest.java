package io.peregrine.e2e.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a fake {@code /sys/bus/pci} of the same shape: devices, class files, driver links. */
class PciSysfsTest {

    @TempDir
    Path sys;

    private PciSysfs pci;

    @BeforeEach
    void fakeTree() throws IOException {
        device("0000:00:04.0", "0x010802", "nvme", 5);
        device("0000:00:05.0", "0x010802", "vfio-pci", 6);
        device("0000:00:02.0", "0x020000", "virtio-pci", 2);
        device("0000:00:03.0", "0x010802", null, null);
        Files.createDirectories(sys.resolve("pci/drivers"));
        pci = new PciSysfs(sys.resolve("pci"));
    }

    @Test
    void findsNvmeControllersByClassCodeInAddressOrder() {
        assertEquals(List.of("0000:00:03.0", "0000:00:04.0", "0000:00:05.0"), pci.devicesOfClass(GuestLab.NVME_CLASS));
        assertEquals(List.of("0000:00:02.0"), pci.devicesOfClass(0x020000));
    }

    @Test
    void readsDriverAndIommuGroupFromTheLinks() {
        assertEquals(Optional.of("nvme"), pci.driver("0000:00:04.0"));
        assertEquals(Optional.empty(), pci.driver("0000:00:03.0"));
        assertEquals(Optional.of(5), pci.iommuGroup("0000:00:04.0"));
        assertEquals(Optional.empty(), pci.iommuGroup("0000:00:03.0"));
    }

    @Test
    void aDeviceAlreadyOnVfioIsLeftAlone() {
        assertEquals(Path.of("/dev/vfio/6"), pci.bindToVfio("0000:00:05.0"));
        assertTrue(Files.notExists(sys.resolve("pci/devices/0000:00:05.0/driver_override")));
    }

    @Test
    void bindingWritesUnbindOverrideAndProbeAndReportsWhenTheKernelDidNotBind() throws IOException {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pci.bindToVfio("0000:00:04.0"));
        assertTrue(e.getMessage().contains("did not bind to vfio-pci (driver now: nvme)"), e.getMessage());
        assertEquals("0000:00:04.0", Files.readString(sys.resolve("pci/devices/0000:00:04.0/driver/unbind")));
        assertEquals("vfio-pci", Files.readString(sys.resolve("pci/devices/0000:00:04.0/driver_override")));
        assertEquals("0000:00:04.0", Files.readString(sys.resolve("pci/drivers_probe")));
    }

    @Test
    void withoutAnIommuGroupTheErrorSaysVfioNeedsAnIommu() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pci.bindToVfio("0000:00:03.0"));
        assertTrue(e.getMessage().contains("VFIO needs an IOMMU"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> pci.bindToVfio("0000:00:09.0"));
    }

    private void device(String bdf, String classCode, String driver, Integer group) throws IOException {
        Path dir = Files.createDirectories(sys.resolve("pci/devices").resolve(bdf));
        Files.writeString(dir.resolve("class"), classCode + "\n");
        if (driver != null) {
            Path target = Files.createDirectories(sys.resolve("pci/drivers").resolve(driver));
            Files.createSymbolicLink(dir.resolve("driver"), target);
        }
        if (group != null) {
            Path target =
                    Files.createDirectories(sys.resolve("kernel/iommu_groups").resolve(group.toString()));
            Files.createSymbolicLink(dir.resolve("iommu_group"), target);
        }
    }
}
