package io.peregrine.nvme.vfio;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * Request numbers and argument structures of {@code <linux/vfio.h>}. Requests are
 * {@code _IO(VFIO_TYPE=';', VFIO_BASE=100 + n)}; structures are native-endian with natural
 * alignment (they are C structs, not wire formats).
 */
final class VfioIoctls {

    static final int VFIO_API_VERSION = 0;

    static final long VFIO_GET_API_VERSION = io(0);
    static final long VFIO_CHECK_EXTENSION = io(1);
    static final long VFIO_SET_IOMMU = io(2);
    static final long VFIO_GROUP_GET_STATUS = io(3);
    static final long VFIO_GROUP_SET_CONTAINER = io(4);
    static final long VFIO_GROUP_UNSET_CONTAINER = io(5);
    static final long VFIO_GROUP_GET_DEVICE_FD = io(6);
    static final long VFIO_DEVICE_GET_INFO = io(7);
    static final long VFIO_DEVICE_GET_REGION_INFO = io(8);
    static final long VFIO_DEVICE_RESET = io(11);
    static final long VFIO_IOMMU_GET_INFO = io(12);
    static final long VFIO_IOMMU_MAP_DMA = io(13);
    static final long VFIO_IOMMU_UNMAP_DMA = io(14);

    /** IOMMU models for VFIO_SET_IOMMU / VFIO_CHECK_EXTENSION. */
    static final int VFIO_TYPE1_IOMMU = 1;

    static final int VFIO_TYPE1v2_IOMMU = 3;

    static final int VFIO_GROUP_FLAGS_VIABLE = 1;
    static final int VFIO_GROUP_FLAGS_CONTAINER_SET = 2;

    static final int VFIO_REGION_INFO_FLAG_READ = 1;
    static final int VFIO_REGION_INFO_FLAG_WRITE = 2;
    static final int VFIO_REGION_INFO_FLAG_MMAP = 4;

    static final int VFIO_PCI_BAR0_REGION_INDEX = 0;
    static final int VFIO_PCI_CONFIG_REGION_INDEX = 7;

    static final int VFIO_IOMMU_INFO_PGSIZES = 1;
    static final int VFIO_IOMMU_INFO_CAPS = 2;
    static final int VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE = 1;

    static final int VFIO_DMA_MAP_FLAG_READ = 1;
    static final int VFIO_DMA_MAP_FLAG_WRITE = 2;

    /** struct vfio_group_status { __u32 argsz; __u32 flags; } */
    static final StructLayout GROUP_STATUS =
            MemoryLayout.structLayout(JAVA_INT.withName("argsz"), JAVA_INT.withName("flags"));

    /** struct vfio_region_info { __u32 argsz, flags, index, cap_offset; __u64 size, offset; } */
    static final StructLayout REGION_INFO = MemoryLayout.structLayout(
            JAVA_INT.withName("argsz"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("index"),
            JAVA_INT.withName("cap_offset"),
            JAVA_LONG.withName("size"),
            JAVA_LONG.withName("offset"));

    /** struct vfio_iommu_type1_info { __u32 argsz, flags; __u64 iova_pgsizes; __u32 cap_offset, pad; } */
    static final StructLayout IOMMU_TYPE1_INFO = MemoryLayout.structLayout(
            JAVA_INT.withName("argsz"),
            JAVA_INT.withName("flags"),
            JAVA_LONG.withName("iova_pgsizes"),
            JAVA_INT.withName("cap_offset"),
            JAVA_INT.withName("pad"));

    /** struct vfio_info_cap_header { __u16 id, version; __u32 next; } */
    static final StructLayout CAP_HEADER = MemoryLayout.structLayout(
            JAVA_SHORT.withName("id"), JAVA_SHORT.withName("version"), JAVA_INT.withName("next"));

    /** struct vfio_iommu_type1_info_cap_iova_range { header; __u32 nr_iovas, reserved; { __u64 start, end; }[] } */
    static final long IOVA_RANGE_COUNT_OFFSET = 8;

    static final long IOVA_RANGES_OFFSET = 16;

    /** struct vfio_iommu_type1_dma_map { __u32 argsz, flags; __u64 vaddr, iova, size; } */
    static final StructLayout DMA_MAP = MemoryLayout.structLayout(
            JAVA_INT.withName("argsz"),
            JAVA_INT.withName("flags"),
            JAVA_LONG.withName("vaddr"),
            JAVA_LONG.withName("iova"),
            JAVA_LONG.withName("size"));

    /** struct vfio_iommu_type1_dma_unmap { __u32 argsz, flags; __u64 iova, size; } */
    static final StructLayout DMA_UNMAP = MemoryLayout.structLayout(
            JAVA_INT.withName("argsz"),
            JAVA_INT.withName("flags"),
            JAVA_LONG.withName("iova"),
            JAVA_LONG.withName("size"));

    private VfioIoctls() {}

    /** {@code _IO(';', 100 + n)}: direction none, size 0, type 0x3B, number 100 + n. */
    private static long io(int n) {
        return (';' << 8) | (100 + n);
    }
}
