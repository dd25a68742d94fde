/**
 * DMA memory: {@link io.peregrine.nvme.dma.DmaMemory} maps hugepage regions (memfd MFD_HUGETLB
 * or hugetlbfs; 4 KiB pages as a loudly logged fallback) into a device's IOMMU and carves them
 * into {@link io.peregrine.nvme.dma.DmaBlock}s; {@link io.peregrine.nvme.dma.DmaBufferPool} hands
 * out fixed-size buffers with no allocation per use.
 */
package io.peregrine.nvme.dma;
