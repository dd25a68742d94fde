package io.peregrine.nvme.spec;

/** Status Code Type, the SCT field of a completion's Status Field (NVMe Base 2.1, "Status Field Definition"). */
public enum StatusCodeType {
    GENERIC(0x0, "Generic Command Status"),
    COMMAND_SPECIFIC(0x1, "Command Specific Status"),
    MEDIA_AND_DATA_INTEGRITY(0x2, "Media and Data Integrity Errors"),
    PATH_RELATED(0x3, "Path Related Status"),
    VENDOR_SPECIFIC(0x7, "Vendor Specific");

    private final int value;
    private final String specName;

    StatusCodeType(int value, String specName) {
        this.value = value;
        this.specName = specName;
    }

    public int value() {
        return value;
    }

    public String specName() {
        return specName;
    }

    /** The type for a 3-bit SCT value, or {@code null} for the reserved values 4h-6h. */
    public static StatusCodeType of(int sct) {
        return switch (sct) {
            case 0x0 -> GENERIC;
            case 0x1 -> COMMAND_SPECIFIC;
            case 0x2 -> MEDIA_AND_DATA_INTEGRITY;
            case 0x3 -> PATH_RELATED;
            case 0x7 -> VENDOR_SPECIFIC;
            default -> null;
        };
    }
}
