package io.peregrine.nvme.vfio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks before VFIO is asked, on a fake sysfs: each failure says what to do. */
class VfioSysfsTest {

    @TempDir
    Path sys;

    private VfioSysfs sysfs;

    @BeforeEach
    void tree() throws IOException {
        sysfs = new VfioSysfs(sys);
        Files.createDirectories(sys.resolve("bus/pci/devices"));
        Files.createDirectories(sys.resolve("bus/pci/drivers/nvme"));
        Files.createDirectories(sys.resolve("bus/pci/drivers/vfio-pci"));
        Files.createDirectories(sys.resolve("bus/pci/drivers/xhci_hcd"));
        Files.createDirectories(sys.resolve("kernel/iommu_groups/7/devices"));
    }

    private Path device(String bdf, String driver, Integer group) throws IOException {
        Path d = Files.createDirectories(sys.resolve("bus/pci/devices").resolve(bdf));
        Files.writeString(d.resolve("class"), "0x010802\n");
        if (driver != null)
            Files.createSymbolicLink(
                    d.resolve("driver"), sys.resolve("bus/pci/drivers").resolve(driver));
        if (group != null) {
            Path g = sys.resolve("kernel/iommu_groups").resolve(group.toString());
            Files.createSymbolicLink(d.resolve("iommu_group"), g);
            Files.createSymbolicLink(g.resolve("devices").resolve(bdf), d);
        }
        return d;
    }

    @Test
    void addressesAreNormalizedOrRefused() {
        assertEquals("0000:00:05.0", VfioSysfs.normalize("00:05.0"));
        assertEquals("0000:3b:00.1", VfioSysfs.normalize("0000:3B:00.1"));
        VfioException e = assertThrows(VfioException.class, () -> VfioSysfs.normalize("05.0"));
        assertTrue(e.getMessage().contains("use domain:bus:device.function"), e.getMessage());
    }

    @Test
    void aMissingDeviceIsNamed() {
        VfioException e = assertThrows(VfioException.class, () -> sysfs.checkBoundToVfio("0000:00:09.0"));
        assertTrue(e.getMessage().startsWith("no PCI device 0000:00:09.0"), e.getMessage());
    }

    @Test
    void aDeviceOnTheKernelDriverGetsTheBindRecipe() throws IOException {
        device("0000:00:05.0", "nvme", 7);
        VfioException e = assertThrows(VfioException.class, () -> sysfs.checkBoundToVfio("0000:00:05.0"));
        assertTrue(
                e.getMessage().startsWith("0000:00:05.0 is bound to `nvme`, not `vfio-pci`: unbind it"),
                e.getMessage());
        assertTrue(e.getMessage().contains("driver_override"), e.getMessage());
        assertTrue(e.getMessage().contains("drivers_probe"), e.getMessage());
    }

    @Test
    void aDeviceWithoutDriverToo() throws IOException {
        device("0000:00:05.0", null, 7);
        VfioException e = assertThrows(VfioException.class, () -> sysfs.checkBoundToVfio("0000:00:05.0"));
        assertTrue(e.getMessage().startsWith("0000:00:05.0 has no driver bound"), e.getMessage());
    }

    @Test
    void noIommuGroupMeansNoIommu() throws IOException {
        device("0000:00:05.0", "vfio-pci", null);
        VfioException e = assertThrows(VfioException.class, () -> sysfs.checkBoundToVfio("0000:00:05.0"));
        assertTrue(e.getMessage().contains("has no IOMMU group"), e.getMessage());
        assertTrue(e.getMessage().contains("intel_iommu=on"), e.getMessage());
    }

    @Test
    void boundDevicesAnswerTheirGroupAndOffendersAreNamed() throws IOException {
        device("0000:00:05.0", "vfio-pci", 7);
        device("0000:00:05.1", "xhci_hcd", 7);
        assertEquals(7, sysfs.checkBoundToVfio("0000:00:05.0"));
        assertEquals(List.of("0000:00:05.1 is bound to `xhci_hcd`"), sysfs.groupOffenders(7));
        assertEquals(0x010802, sysfs.classCode("0000:00:05.0"));
        assertEquals(-1, sysfs.classCode("0000:00:06.0"));
        assertEquals(0x010802, Vfio.classCode("00:05.0", sys));
        assertEquals(7, Vfio.checkBound("00:05.0", sys));
    }

    @Test
    void withoutVfioModulesTheContainerSaysSo() throws IOException {
        assumeTrue(!Files.exists(Path.of("/dev/vfio/vfio")), "this host has VFIO");
        device("0000:00:05.0", "vfio-pci", 7);
        VfioException e = assertThrows(VfioException.class, () -> Vfio.open("0000:00:05.0", sys));
        assertTrue(e.getMessage().contains("open(/dev/vfio/vfio) failed"), e.getMessage());
        assertTrue(e.getMessage().contains("modprobe vfio-pci"), e.getMessage());
    }

    @Test
    void ioctlNumbersAreTheKernels() {
        assertEquals(0x3B64, VfioIoctls.VFIO_GET_API_VERSION);
        assertEquals(0x3B66, VfioIoctls.VFIO_SET_IOMMU);
        assertEquals(0x3B6A, VfioIoctls.VFIO_GROUP_GET_DEVICE_FD);
        assertEquals(0x3B6C, VfioIoctls.VFIO_DEVICE_GET_REGION_INFO);
        assertEquals(0x3B70, VfioIoctls.VFIO_IOMMU_GET_INFO);
        assertEquals(0x3B71, VfioIoctls.VFIO_IOMMU_MAP_DMA);
        assertEquals(0x3B72, VfioIoctls.VFIO_IOMMU_UNMAP_DMA);
        assertEquals(32, VfioIoctls.REGION_INFO.byteSize());
        assertEquals(32, VfioIoctls.DMA_MAP.byteSize());
        assertEquals(24, VfioIoctls.DMA_UNMAP.byteSize());
        assertEquals(24, VfioIoctls.IOMMU_TYPE1_INFO.byteSize());
    }
}
