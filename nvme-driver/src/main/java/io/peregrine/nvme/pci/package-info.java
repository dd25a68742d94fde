/**
 * The PCI function abstraction the driver is written against: configuration space, BAR0 as a
 * {@link java.lang.foreign.MemorySegment}, and a {@link io.peregrine.nvme.pci.DmaMapper}. VFIO
 * ({@code io.peregrine.nvme.vfio}) and the software controller ({@code io.peregrine.nvme.emu})
 * both implement it, which is why every driver line runs without hardware.
 */
package io.peregrine.nvme.pci;
