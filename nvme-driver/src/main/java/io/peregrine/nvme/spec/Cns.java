package io.peregrine.nvme.spec;

/** Identify's Controller or Namespace Structure (CNS) values, CDW10 bits 7:0 (NVMe Base 2.1). */
public enum Cns {
    NAMESPACE(0x00, "Identify Namespace data structure for the specified NSID"),
    CONTROLLER(0x01, "Identify Controller data structure"),
    ACTIVE_NAMESPACE_LIST(0x02, "Active Namespace ID list"),
    NAMESPACE_ID_DESCRIPTORS(0x03, "Namespace Identification Descriptor list"),
    NVM_SET_LIST(0x04, "NVM Set List"),
    CSI_NAMESPACE(0x05, "I/O Command Set specific Identify Namespace data structure"),
    CSI_CONTROLLER(0x06, "I/O Command Set specific Identify Controller data structure"),
    CSI_ACTIVE_NAMESPACE_LIST(0x07, "Active Namespace ID list associated with the specified I/O Command Set"),
    INDEPENDENT_NAMESPACE(0x08, "I/O Command Set Independent Identify Namespace data structure"),
    ALLOCATED_NAMESPACE_LIST(0x10, "Allocated Namespace ID list"),
    ALLOCATED_NAMESPACE(0x11, "Identify Namespace data structure for an Allocated NSID"),
    NAMESPACE_CONTROLLER_LIST(0x12, "Namespace Attached Controller list"),
    CONTROLLER_LIST(0x13, "Controller List"),
    COMMAND_SET_STRUCTURE(0x1C, "Identify I/O Command Set data structure");

    private final int value;
    private final String specName;

    Cns(int value, String specName) {
        this.value = value;
        this.specName = specName;
    }

    public int value() {
        return value;
    }

    public String specName() {
        return specName;
    }

    /** The CNS for a byte value, or {@code null} when unknown. */
    public static Cns of(int cns) {
        for (Cns c : values()) {
            if (c.value == (cns & 0xff)) return c;
        }
        return null;
    }
}
