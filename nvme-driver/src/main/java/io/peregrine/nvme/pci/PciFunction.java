package io.peregrine.nvme.pci;

import java.lang.foreign.MemorySegment;

/**
 * One PCI function as a driver sees it: configuration space, BAR0 as memory, and an IOMMU to map
 * DMA memory into. A VFIO device implements it over the kernel; the software controller
 * ({@code io.peregrine.nvme.emu}) implements it over plain memory, so the driver runs the same
 * code against both.
 *
 * <p>BAR0 accesses must be naturally aligned 32-bit volatile loads and stores (NVMe registers
 * are 32-bit; 64-bit registers are accessed as two halves). Configuration space accesses are
 * control-path calls (a system call for VFIO).
 */
public interface PciFunction extends AutoCloseable {

    /** A name for messages: the PCI address ({@code 0000:00:05.0}) or the model's URI. */
    String address();

    /** BAR0, mapped: the NVMe controller registers and doorbells. */
    MemorySegment bar0();

    int readConfig16(int offset);

    int readConfig32(int offset);

    void writeConfig16(int offset, int value);

    /** Where this function's DMA goes through: the IOMMU of its VFIO container, or the model's table. */
    DmaMapper dmaMapper();

    /**
     * Sets Memory Space Enable and Bus Master Enable in the PCI Command register: without BME the
     * device cannot read queues or data from host memory.
     */
    default void enableBusMaster() {
        int command = readConfig16(PciConfig.COMMAND);
        int wanted = command | PciConfig.COMMAND_MEMORY_SPACE | PciConfig.COMMAND_BUS_MASTER;
        if (wanted != command) writeConfig16(PciConfig.COMMAND, wanted);
    }

    /** Unmaps BAR0 and releases the device. DMA mappings must have been removed by their owner. */
    @Override
    void close();
}
