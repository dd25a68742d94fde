/**
 * Opening an NVMe controller by URI ({@link io.peregrine.nvme.DeviceUri}: {@code pcie://BDF} or
 * {@code emu://...}) with everything it needs ({@link io.peregrine.nvme.NvmeDevice}). The
 * packages below hold the parts: {@code spec} (data structures every module shares), {@code os},
 * {@code pci}, {@code vfio}, {@code dma}, {@code driver}, {@code emu}, {@code tool}.
 */
package io.peregrine.nvme;
