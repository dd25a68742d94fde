package io.peregrine.nvme.pci;

/** PCI configuration space header offsets and bits the driver touches (PCI Local Bus 3.0, type 0 header). */
public final class PciConfig {

    public static final int VENDOR_ID = 0x00;
    public static final int DEVICE_ID = 0x02;
    public static final int COMMAND = 0x04;
    public static final int STATUS = 0x06;
    /** Revision ID (byte 08h) and the 24-bit class code (bytes 09h-0Bh) as one dword. */
    public static final int REVISION_AND_CLASS = 0x08;

    public static final int COMMAND_MEMORY_SPACE = 1 << 1;
    public static final int COMMAND_BUS_MASTER = 1 << 2;
    public static final int COMMAND_INTX_DISABLE = 1 << 10;

    /** Mass storage (01h), non-volatile memory (08h), NVM Express I/O controller (02h). */
    public static final int CLASS_NVME = 0x010802;

    private PciConfig() {}

    public static int classCode(int revisionAndClass) {
        return revisionAndClass >>> 8;
    }
}
