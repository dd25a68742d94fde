package io.peregrine.nvme.vfio;

import static io.peregrine.nvme.vfio.VfioIoctls.*;

import io.peregrine.nvme.os.Errno;
import io.peregrine.nvme.os.ErrnoException;
import io.peregrine.nvme.os.Libc;
import io.peregrine.nvme.pci.DmaMapper;
import io.peregrine.nvme.pci.PciFunction;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * A PCI function opened through VFIO: its own container (type1 IOMMU), its IOMMU group, the
 * device fd, BAR0 mapped with mmap and configuration space through pread/pwrite. The order of
 * the steps is the kernel's (Documentation/driver-api/vfio.rst): container, group, attach, IOMMU
 * model, device.
 */
final class VfioDevice implements PciFunction {

    private final Libc libc;
    private final String bdf;
    private final VfioContainer container;
    private final int groupFd;
    private final int deviceFd;
    private final long configOffset;
    private final MemorySegment bar0;
    private final Arena barArena;

    private VfioDevice(
            Libc libc,
            String bdf,
            VfioContainer container,
            int groupFd,
            int deviceFd,
            long configOffset,
            MemorySegment bar0,
            Arena barArena) {
        this.libc = libc;
        this.bdf = bdf;
        this.container = container;
        this.groupFd = groupFd;
        this.deviceFd = deviceFd;
        this.configOffset = configOffset;
        this.bar0 = bar0;
        this.barArena = barArena;
    }

    /** BAR0 as a segment of {@code arena}: after close, a register access throws instead of faulting. */
    @SuppressWarnings("restricted")
    private static MemorySegment bind(Libc libc, MemorySegment mapping, Arena arena) {
        return mapping.reinterpret(arena, raw -> libc.munmap(raw));
    }

    static VfioDevice open(Libc libc, VfioSysfs sysfs, String bdf) {
        int group = sysfs.checkBoundToVfio(bdf);
        VfioContainer container = new VfioContainer(libc);
        int groupFd = -1;
        int deviceFd = -1;
        try {
            groupFd = openGroup(libc, group);
            checkViable(libc, sysfs, group, groupFd);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment containerFd = arena.allocateFrom(ValueLayout.JAVA_INT, container.fd());
                ErrnoException.check(
                        libc,
                        "VFIO_GROUP_SET_CONTAINER(IOMMU group " + group + ")",
                        libc.ioctl(groupFd, VFIO_GROUP_SET_CONTAINER, containerFd));
                container.setIommu(group);
                deviceFd = libc.ioctl(groupFd, VFIO_GROUP_GET_DEVICE_FD, arena.allocateFrom(bdf));
                if (deviceFd < 0) {
                    int errno = libc.errno();
                    throw new VfioException(
                            ErrnoException.describe(libc, "VFIO_GROUP_GET_DEVICE_FD(" + bdf + ")", errno)
                                    + (errno == Errno.EBUSY ? ": the device is already open in another process" : ""));
                }
            }
            long[] bar = regionInfo(libc, deviceFd, bdf, VFIO_PCI_BAR0_REGION_INDEX, "BAR0");
            long[] config = regionInfo(libc, deviceFd, bdf, VFIO_PCI_CONFIG_REGION_INDEX, "configuration space");
            if ((bar[2] & VFIO_REGION_INFO_FLAG_MMAP) == 0) {
                throw new VfioException("BAR0 of " + bdf + " cannot be mmapped through VFIO; it is not an NVMe"
                        + " controller BAR this driver can use");
            }
            MemorySegment mapping =
                    libc.mmap(bar[0], Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, deviceFd, bar[1]);
            if (mapping.address() == Libc.MAP_FAILED) {
                int errno = libc.errno();
                throw new VfioException(ErrnoException.describe(libc, "mmap(BAR0 of " + bdf + ")", errno));
            }
            Arena barArena = Arena.ofShared();
            return new VfioDevice(
                    libc, bdf, container, groupFd, deviceFd, config[1], bind(libc, mapping, barArena), barArena);
        } catch (RuntimeException e) {
            if (deviceFd >= 0) libc.close(deviceFd);
            if (groupFd >= 0) libc.close(groupFd);
            container.close();
            throw e;
        }
    }

    private static int openGroup(Libc libc, int group) {
        String path = "/dev/vfio/" + group;
        int fd = libc.open(path, Libc.O_RDWR | Libc.O_CLOEXEC, 0);
        if (fd >= 0) return fd;
        int errno = libc.errno();
        String hint = switch (errno) {
            case Errno.ENOENT ->
                ": the group has no VFIO device node; is vfio-pci loaded and bound (modprobe vfio-pci)?";
            case Errno.EACCES, Errno.EPERM -> ": run as root, or give your user the group device (chown " + path + ")";
            case Errno.EBUSY ->
                ": IOMMU group " + group + " is already in use by another process (another driver"
                        + " instance, or a VM)";
            default -> "";
        };
        throw new VfioException(ErrnoException.describe(libc, "open(" + path + ")", errno) + hint);
    }

    private static void checkViable(Libc libc, VfioSysfs sysfs, int group, int groupFd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = arena.allocate(GROUP_STATUS);
            status.set(ValueLayout.JAVA_INT, 0, (int) GROUP_STATUS.byteSize());
            ErrnoException.check(
                    libc,
                    "VFIO_GROUP_GET_STATUS(IOMMU group " + group + ")",
                    libc.ioctl(groupFd, VFIO_GROUP_GET_STATUS, status));
            int flags = status.get(ValueLayout.JAVA_INT, 4);
            if ((flags & VFIO_GROUP_FLAGS_VIABLE) == 0) {
                List<String> offenders = sysfs.groupOffenders(group);
                throw new VfioException("IOMMU group " + group + " is not viable: "
                        + (offenders.isEmpty()
                                ? "another device in the group is bound to a host driver"
                                : String.join(", ", offenders))
                        + "; bind every device of /sys/kernel/iommu_groups/" + group
                        + "/devices to vfio-pci (or unbind it)");
            }
        }
    }

    /** VFIO_DEVICE_GET_REGION_INFO: {size, offset, flags}. */
    private static long[] regionInfo(Libc libc, int deviceFd, String bdf, int index, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(REGION_INFO);
            info.set(ValueLayout.JAVA_INT, 0, (int) REGION_INFO.byteSize());
            info.set(ValueLayout.JAVA_INT, 8, index);
            ErrnoException.check(
                    libc,
                    "VFIO_DEVICE_GET_REGION_INFO(" + what + " of " + bdf + ")",
                    libc.ioctl(deviceFd, VFIO_DEVICE_GET_REGION_INFO, info));
            long size = info.get(ValueLayout.JAVA_LONG, 16);
            if (size == 0) throw new VfioException(bdf + " has no " + what + " region");
            return new long[] {size, info.get(ValueLayout.JAVA_LONG, 24), info.get(ValueLayout.JAVA_INT, 4)};
        }
    }

    @Override
    public String address() {
        return bdf;
    }

    @Override
    public MemorySegment bar0() {
        return bar0;
    }

    @Override
    public int readConfig16(int offset) {
        return readConfig(offset, 2) & 0xffff;
    }

    @Override
    public int readConfig32(int offset) {
        return readConfig(offset, 4);
    }

    private int readConfig(int offset, int width) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(4);
            long read = libc.pread(deviceFd, buffer, width, configOffset + offset);
            if (read != width) {
                int errno = libc.errno();
                throw new VfioException(
                        ErrnoException.describe(libc, "reading config space offset " + offset + " of " + bdf, errno));
            }
            return width == 2 ? buffer.get(ValueLayout.JAVA_SHORT, 0) : buffer.get(ValueLayout.JAVA_INT, 0);
        }
    }

    @Override
    public void writeConfig16(int offset, int value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocateFrom(ValueLayout.JAVA_SHORT, (short) value);
            long written = libc.pwrite(deviceFd, buffer, 2, configOffset + offset);
            if (written != 2) {
                int errno = libc.errno();
                throw new VfioException(
                        ErrnoException.describe(libc, "writing config space offset " + offset + " of " + bdf, errno));
            }
        }
    }

    @Override
    public DmaMapper dmaMapper() {
        return container;
    }

    @Override
    public void close() {
        barArena.close(); // munmap

        libc.close(deviceFd);
        libc.ioctl(groupFd, VFIO_GROUP_UNSET_CONTAINER, 0L);
        libc.close(groupFd);
        container.close();
    }

    @Override
    public String toString() {
        return "vfio " + bdf;
    }
}
