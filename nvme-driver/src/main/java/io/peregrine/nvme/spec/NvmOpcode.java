package io.peregrine.nvme.spec;

/** NVM Command Set I/O opcodes (NVM Command Set Specification 1.1). */
public enum NvmOpcode {
    FLUSH(0x00, "Flush"),
    WRITE(0x01, "Write"),
    READ(0x02, "Read"),
    WRITE_UNCORRECTABLE(0x04, "Write Uncorrectable"),
    COMPARE(0x05, "Compare"),
    WRITE_ZEROES(0x08, "Write Zeroes"),
    DATASET_MANAGEMENT(0x09, "Dataset Management"),
    VERIFY(0x0C, "Verify"),
    RESERVATION_REGISTER(0x0D, "Reservation Register"),
    RESERVATION_REPORT(0x0E, "Reservation Report"),
    RESERVATION_ACQUIRE(0x11, "Reservation Acquire"),
    RESERVATION_RELEASE(0x15, "Reservation Release"),
    COPY(0x19, "Copy");

    /** The same values as {@code int} constants, for {@code switch} statements on the I/O path. */
    public static final int OPC_FLUSH = 0x00;

    public static final int OPC_WRITE = 0x01;
    public static final int OPC_READ = 0x02;
    public static final int OPC_WRITE_ZEROES = 0x08;
    public static final int OPC_DATASET_MANAGEMENT = 0x09;

    private static final NvmOpcode[] BY_VALUE = new NvmOpcode[256];

    static {
        for (NvmOpcode op : values()) BY_VALUE[op.value] = op;
    }

    private final int value;
    private final String specName;

    NvmOpcode(int value, String specName) {
        this.value = value;
        this.specName = specName;
    }

    public int value() {
        return value;
    }

    public String specName() {
        return specName;
    }

    /** The opcode for a byte value, or {@code null} when it is not an NVM opcode we know. */
    public static NvmOpcode of(int opcode) {
        return BY_VALUE[opcode & 0xff];
    }
}
