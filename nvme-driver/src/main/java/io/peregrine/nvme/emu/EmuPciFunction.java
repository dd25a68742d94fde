package io.peregrine.nvme.emu;

import io.peregrine.nvme.pci.DmaMapper;
import io.peregrine.nvme.pci.PciConfig;
import io.peregrine.nvme.pci.PciFunction;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The model seen as a PCI function: BAR0 is native memory the controller's thread polls (there
 * are no MMIO traps in software), configuration space is a small array, DMA goes through
 * {@link EmuDmaTable}.
 */
final class EmuPciFunction implements PciFunction {

    /** Not a PCI-SIG assigned vendor: the ID says "software model" to anyone who looks. */
    static final int VENDOR_ID = 0xFFFE;

    static final int DEVICE_ID = 0x0001;

    private final String address;
    private final MemorySegment bar0;
    private final MemorySegment config = MemorySegment.ofArray(new byte[256]);
    private final EmuDmaTable dma;
    private final Runnable onClose;

    EmuPciFunction(String address, MemorySegment bar0, EmuDmaTable dma, Runnable onClose) {
        this.address = address;
        this.bar0 = bar0;
        this.dma = dma;
        this.onClose = onClose;
        config.set(ValueLayout.JAVA_SHORT_UNALIGNED, PciConfig.VENDOR_ID, (short) VENDOR_ID);
        config.set(ValueLayout.JAVA_SHORT_UNALIGNED, PciConfig.DEVICE_ID, (short) DEVICE_ID);
        config.set(ValueLayout.JAVA_INT_UNALIGNED, PciConfig.REVISION_AND_CLASS, PciConfig.CLASS_NVME << 8);
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public MemorySegment bar0() {
        return bar0;
    }

    @Override
    public synchronized int readConfig16(int offset) {
        return config.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset) & 0xffff;
    }

    @Override
    public synchronized int readConfig32(int offset) {
        return config.get(ValueLayout.JAVA_INT_UNALIGNED, offset);
    }

    @Override
    public synchronized void writeConfig16(int offset, int value) {
        if (offset == PciConfig.VENDOR_ID || offset == PciConfig.DEVICE_ID) return; // read-only
        config.set(ValueLayout.JAVA_SHORT_UNALIGNED, offset, (short) value);
    }

    /** Whether the host set Bus Master Enable: without it the model, like a device, does no DMA. */
    synchronized boolean busMaster() {
        return (readConfig16(PciConfig.COMMAND) & PciConfig.COMMAND_BUS_MASTER) != 0;
    }

    @Override
    public DmaMapper dmaMapper() {
        return dma;
    }

    @Override
    public void close() {
        onClose.run();
    }

    @Override
    public String toString() {
        return "emu " + address;
    }
}
