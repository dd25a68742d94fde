/**
 * VFIO through FFM: {@link io.peregrine.nvme.vfio.Vfio#open} gives a
 * {@link io.peregrine.nvme.pci.PciFunction} for a device bound to vfio-pci — container, group and
 * device fds, the type1v2 IOMMU, region info, BAR0 mapped with mmap, configuration space, DMA
 * map/unmap. The implementation is package-private; every system call's errno becomes a
 * {@link io.peregrine.nvme.vfio.VfioException} that says what to do.
 */
package io.peregrine.nvme.vfio;
