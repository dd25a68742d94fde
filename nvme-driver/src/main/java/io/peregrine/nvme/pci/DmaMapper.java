package io.peregrine.nvme.pci;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Maps host memory into a device's I/O virtual address space. With VFIO this is the IOMMU
 * (VFIO_IOMMU_MAP_DMA pins the pages); the software controller keeps a table it translates
 * through. Either way the device only ever sees IOVAs.
 */
public interface DmaMapper {

    /** Makes {@code memory} (page aligned, a multiple of the IOMMU page size) readable and writable by the device at {@code iova}. */
    void map(MemorySegment memory, long iova);

    /** Removes the mapping of {@code size} bytes at {@code iova}. */
    void unmap(long iova, long size);

    /** The IOVA ranges the device may use, in ascending order (the IOMMU's aperture minus reserved regions). */
    List<IovaRange> usableRanges();

    /** The smallest page size the IOMMU maps. */
    long pageSize();
}
