package io.peregrine.nvmf.fabrics.spec;

/**
 * The Changed Namespace List log page (LID 04h; NVMe Base 2.1): up to 1024 NSIDs whose Identify
 * Namespace data changed since the log was last read, ascending; when more changed, the first
 * entry is FFFFFFFFh and the rest are zero.
 */
public final class ChangedNamespaceList {
    public static final int SIZE = 4096;
    public static final int MAX_ENTRIES = 1024;
    public static final int OVERFLOW = 0xFFFF_FFFF;

    private ChangedNamespaceList() {}
}
