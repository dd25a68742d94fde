/**
 * A software NVMe controller, {@link io.peregrine.nvme.emu.EmulatedController}: the NVMe over
 * PCIe register interface and queue protocol over the same DMA memory the driver uses, backed by
 * memory, a file or nothing ({@link io.peregrine.nvme.emu.EmuBackend}), with
 * {@link io.peregrine.nvme.emu.Faults} to inject media errors, slow and lost completions and
 * controller fatal status. The driver cannot tell it from a device: both are a
 * {@link io.peregrine.nvme.pci.PciFunction}.
 */
package io.peregrine.nvme.emu;
