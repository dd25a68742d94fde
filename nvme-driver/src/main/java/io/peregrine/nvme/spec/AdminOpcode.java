package io.peregrine.nvme.spec;

/**
 * Admin command opcodes (NVMe Base 2.1 "Opcodes for Admin Commands"). Bits 1:0 of an
 * opcode give its data transfer direction: 00b none, 01b host to controller, 10b controller to
 * host, 11b bidirectional.
 */
public enum AdminOpcode {
    DELETE_IO_SQ(0x00, "Delete I/O Submission Queue"),
    CREATE_IO_SQ(0x01, "Create I/O Submission Queue"),
    GET_LOG_PAGE(0x02, "Get Log Page"),
    DELETE_IO_CQ(0x04, "Delete I/O Completion Queue"),
    CREATE_IO_CQ(0x05, "Create I/O Completion Queue"),
    IDENTIFY(0x06, "Identify"),
    ABORT(0x08, "Abort"),
    SET_FEATURES(0x09, "Set Features"),
    GET_FEATURES(0x0A, "Get Features"),
    ASYNC_EVENT_REQUEST(0x0C, "Asynchronous Event Request"),
    NAMESPACE_MANAGEMENT(0x0D, "Namespace Management"),
    FIRMWARE_COMMIT(0x10, "Firmware Commit"),
    FIRMWARE_IMAGE_DOWNLOAD(0x11, "Firmware Image Download"),
    DEVICE_SELF_TEST(0x14, "Device Self-test"),
    NAMESPACE_ATTACHMENT(0x15, "Namespace Attachment"),
    KEEP_ALIVE(0x18, "Keep Alive"),
    DIRECTIVE_SEND(0x19, "Directive Send"),
    DIRECTIVE_RECEIVE(0x1A, "Directive Receive"),
    VIRTUALIZATION_MANAGEMENT(0x1C, "Virtualization Management"),
    NVME_MI_SEND(0x1D, "NVMe-MI Send"),
    NVME_MI_RECEIVE(0x1E, "NVMe-MI Receive"),
    CAPACITY_MANAGEMENT(0x20, "Capacity Management"),
    LOCKDOWN(0x24, "Lockdown"),
    DOORBELL_BUFFER_CONFIG(0x7C, "Doorbell Buffer Config"),
    FABRICS(0x7F, "Fabrics Commands"),
    FORMAT_NVM(0x80, "Format NVM"),
    SECURITY_SEND(0x81, "Security Send"),
    SECURITY_RECEIVE(0x82, "Security Receive"),
    SANITIZE(0x84, "Sanitize"),
    GET_LBA_STATUS(0x86, "Get LBA Status");

    private static final AdminOpcode[] BY_VALUE = new AdminOpcode[256];

    static {
        for (AdminOpcode op : values()) BY_VALUE[op.value] = op;
    }

    private final int value;
    private final String specName;

    AdminOpcode(int value, String specName) {
        this.value = value;
        this.specName = specName;
    }

    public int value() {
        return value;
    }

    public String specName() {
        return specName;
    }

    /** The opcode for a byte value, or {@code null} when it is not an admin opcode we know. */
    public static AdminOpcode of(int opcode) {
        return BY_VALUE[opcode & 0xff];
    }
}
