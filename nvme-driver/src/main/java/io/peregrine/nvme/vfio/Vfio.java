package io.peregrine.nvme.vfio;

import io.peregrine.nvme.os.Libc;
import io.peregrine.nvme.pci.PciFunction;
import java.nio.file.Path;

/**
 * Opens PCI functions through VFIO. The function must be bound to {@code vfio-pci} and its IOMMU
 * group must be viable; when it is not, the {@link VfioException} says what to do (unbind
 * {@code nvme}, bind {@code vfio-pci}, enable the IOMMU, fix permissions).
 *
 * <pre>{@code
 * try (PciFunction nvme = Vfio.open("0000:00:05.0")) {
 *     nvme.enableBusMaster();
 *     MemorySegment registers = nvme.bar0();
 * }
 * }</pre>
 */
public final class Vfio {

    private Vfio() {}

    /** Opens {@code bdf} ({@code 0000:00:05.0}; {@code 00:05.0} means domain 0). */
    public static PciFunction open(String bdf) {
        return open(bdf, Path.of("/sys"));
    }

    /** As {@link #open(String)}, reading device facts from {@code sysfs} instead of {@code /sys}. */
    public static PciFunction open(String bdf, Path sysfs) {
        return VfioDevice.open(Libc.linux(), new VfioSysfs(sysfs), VfioSysfs.normalize(bdf));
    }

    /** The PCI class code sysfs reports for {@code bdf} (0x010802 for NVMe), or -1 if unknown. */
    public static int classCode(String bdf, Path sysfs) {
        return new VfioSysfs(sysfs).classCode(VfioSysfs.normalize(bdf));
    }

    /**
     * Checks, without opening anything, that {@code bdf} is bound to vfio-pci and has an IOMMU
     * group; answers the group number or throws the same {@link VfioException} open would.
     */
    public static int checkBound(String bdf, Path sysfs) {
        return new VfioSysfs(sysfs).checkBoundToVfio(VfioSysfs.normalize(bdf));
    }
}
