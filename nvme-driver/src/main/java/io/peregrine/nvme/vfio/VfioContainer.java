package io.peregrine.nvme.vfio;

import static io.peregrine.nvme.vfio.VfioIoctls.*;

import io.peregrine.nvme.os.Errno;
import io.peregrine.nvme.os.ErrnoException;
import io.peregrine.nvme.os.Libc;
import io.peregrine.nvme.pci.DmaMapper;
import io.peregrine.nvme.pci.IovaRange;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * A VFIO container ({@code /dev/vfio/vfio}) with the type1 IOMMU backend: the IOMMU domain our
 * group is attached to, and so the {@link DmaMapper} of the device.
 */
final class VfioContainer implements DmaMapper, AutoCloseable {

    /** Where we start handing out IOVAs when the kernel reports no ranges: above the 32-bit MSI window. */
    private static final IovaRange DEFAULT_RANGE = new IovaRange(1L << 32, (1L << 39) - 1);

    private final Libc libc;
    private final int fd;
    private long pageSize = 4096;
    private List<IovaRange> ranges = List.of(DEFAULT_RANGE);

    VfioContainer(Libc libc) {
        this.libc = libc;
        int opened = libc.open("/dev/vfio/vfio", Libc.O_RDWR | Libc.O_CLOEXEC, 0);
        if (opened < 0) {
            int errno = libc.errno();
            throw new VfioException(ErrnoException.describe(libc, "open(/dev/vfio/vfio)", errno)
                    + (errno == Errno.ENOENT
                            ? ": the VFIO modules are not loaded; modprobe vfio-pci (and vfio_iommu_type1)"
                            : errno == Errno.EACCES ? ": run as root, or give your user /dev/vfio/vfio" : ""));
        }
        this.fd = opened;
        try {
            int version = libc.ioctl(fd, VFIO_GET_API_VERSION, 0L);
            if (version != VFIO_API_VERSION) {
                throw new VfioException("VFIO API version " + version + " is not the one this driver speaks ("
                        + VFIO_API_VERSION + ")");
            }
        } catch (RuntimeException e) {
            libc.close(fd);
            throw e;
        }
    }

    int fd() {
        return fd;
    }

    /** Selects type1v2 (or type1 on old kernels); valid once a group is attached to the container. */
    void setIommu(int group) {
        int model = libc.ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) > 0
                ? VFIO_TYPE1v2_IOMMU
                : libc.ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) > 0 ? VFIO_TYPE1_IOMMU : -1;
        if (model < 0) {
            throw new VfioException("the kernel offers no type1 IOMMU backend for VFIO: modprobe vfio_iommu_type1 and"
                    + " check that the IOMMU is enabled (intel_iommu=on or amd_iommu=on)");
        }
        if (libc.ioctl(fd, VFIO_SET_IOMMU, model) < 0) {
            int errno = libc.errno();
            throw new VfioException(
                    ErrnoException.describe(libc, "VFIO_SET_IOMMU(type1) for IOMMU group " + group, errno));
        }
        readIommuInfo();
    }

    /** VFIO_IOMMU_GET_INFO: page sizes, and the usable IOVA ranges when the kernel reports them. */
    private void readIommuInfo() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(IOMMU_TYPE1_INFO);
            info.set(ValueLayout.JAVA_INT, 0, (int) IOMMU_TYPE1_INFO.byteSize());
            if (libc.ioctl(fd, VFIO_IOMMU_GET_INFO, info) < 0) return; // keep the defaults
            int flags = info.get(ValueLayout.JAVA_INT, 4);
            if ((flags & VFIO_IOMMU_INFO_PGSIZES) != 0) {
                long sizes = info.get(ValueLayout.JAVA_LONG, 8);
                if (sizes != 0) pageSize = Long.lowestOneBit(sizes);
            }
            int needed = info.get(ValueLayout.JAVA_INT, 0);
            if ((flags & VFIO_IOMMU_INFO_CAPS) == 0 || needed <= IOMMU_TYPE1_INFO.byteSize()) return;
            MemorySegment full = arena.allocate(needed, 8);
            full.set(ValueLayout.JAVA_INT, 0, needed);
            if (libc.ioctl(fd, VFIO_IOMMU_GET_INFO, full) < 0) return;
            // capabilities sit at whatever offset the kernel chose: read them unaligned
            int capOffset = full.get(ValueLayout.JAVA_INT_UNALIGNED, 16);
            while (capOffset != 0 && capOffset + CAP_HEADER.byteSize() <= needed) {
                int id = full.get(ValueLayout.JAVA_SHORT_UNALIGNED, capOffset) & 0xffff;
                if (id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
                    int count = full.get(ValueLayout.JAVA_INT_UNALIGNED, capOffset + IOVA_RANGE_COUNT_OFFSET);
                    List<IovaRange> found = new ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        long base = capOffset + IOVA_RANGES_OFFSET + 16L * i;
                        found.add(new IovaRange(
                                full.get(ValueLayout.JAVA_LONG_UNALIGNED, base),
                                full.get(ValueLayout.JAVA_LONG_UNALIGNED, base + 8)));
                    }
                    if (!found.isEmpty()) ranges = List.copyOf(found);
                }
                capOffset = full.get(ValueLayout.JAVA_INT_UNALIGNED, capOffset + 4);
            }
        }
    }

    @Override
    public void map(MemorySegment memory, long iova) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment map = arena.allocate(DMA_MAP);
            map.set(ValueLayout.JAVA_INT, 0, (int) DMA_MAP.byteSize());
            map.set(ValueLayout.JAVA_INT, 4, VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
            map.set(ValueLayout.JAVA_LONG, 8, memory.address());
            map.set(ValueLayout.JAVA_LONG, 16, iova);
            map.set(ValueLayout.JAVA_LONG, 24, memory.byteSize());
            if (libc.ioctl(fd, VFIO_IOMMU_MAP_DMA, map) < 0) {
                int errno = libc.errno();
                String what =
                        "VFIO_IOMMU_MAP_DMA(" + memory.byteSize() + " bytes at IOVA 0x" + Long.toHexString(iova) + ")";
                throw new VfioException(ErrnoException.describe(libc, what, errno)
                        + switch (errno) {
                            case Errno.ENOMEM, Errno.EPERM ->
                                ": VFIO could not pin the memory; the locked-memory limit (ulimit -l, RLIMIT_MEMLOCK)"
                                        + " is too low for this process: raise it or run as root";
                            case Errno.ENOSPC ->
                                ": the IOMMU has no more mapping entries (vfio_iommu_type1 dma_entry_limit);"
                                        + " use fewer, larger DMA regions";
                            case Errno.EEXIST -> ": that IOVA range is already mapped";
                            default -> "";
                        });
            }
        }
    }

    @Override
    public void unmap(long iova, long size) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment unmap = arena.allocate(DMA_UNMAP);
            unmap.set(ValueLayout.JAVA_INT, 0, (int) DMA_UNMAP.byteSize());
            unmap.set(ValueLayout.JAVA_LONG, 8, iova);
            unmap.set(ValueLayout.JAVA_LONG, 16, size);
            ErrnoException.check(
                    libc,
                    "VFIO_IOMMU_UNMAP_DMA(IOVA 0x" + Long.toHexString(iova) + ")",
                    libc.ioctl(fd, VFIO_IOMMU_UNMAP_DMA, unmap));
        }
    }

    @Override
    public List<IovaRange> usableRanges() {
        return ranges;
    }

    @Override
    public long pageSize() {
        return pageSize;
    }

    @Override
    public void close() {
        libc.close(fd);
    }
}
