package io.peregrine.nvme.spec;

/**
 * FCTYPE of a Fabrics command (admin opcode 7Fh; NVMe Base 2.1). The FCTYPE byte
 * sits at SQE byte 4, where a non-Fabrics command keeps NSID.
 */
public enum FabricsCommandType {
    PROPERTY_SET(0x00, "Property Set"),
    CONNECT(0x01, "Connect"),
    PROPERTY_GET(0x04, "Property Get"),
    AUTHENTICATION_SEND(0x05, "Authentication Send"),
    AUTHENTICATION_RECEIVE(0x06, "Authentication Receive"),
    DISCONNECT(0x08, "Disconnect");

    private final int value;
    private final String specName;

    FabricsCommandType(int value, String specName) {
        this.value = value;
        this.specName = specName;
    }

    public int value() {
        return value;
    }

    public String specName() {
        return specName;
    }

    /** The type for an FCTYPE byte, or {@code null} when unknown. */
    public static FabricsCommandType of(int fctype) {
        for (FabricsCommandType type : values()) {
            if (type.value == (fctype & 0xff)) return type;
        }
        return null;
    }
}
