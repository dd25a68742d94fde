package io.peregrine.nvmf.fabrics.spec;

/**
 * Dword 0 of a Connect completion (NVMe Base 2.1, "Connect Response"). On success it carries the
 * controller ID; on Connect Invalid Parameters it says which parameter: IPO, its byte offset, and
 * IATTR, whether that offset is in the SQE (0) or in the Connect data (1).
 */
public final class ConnectResponse {
    private ConnectResponse() {}

    public static int success(int cntlid) {
        return cntlid & 0xffff;
    }

    /** The invalid parameter is the SQE field at byte {@code offset}. */
    public static int invalidSqeField(long offset) {
        return (int) offset & 0xffff;
    }

    /** The invalid parameter is the Connect data field at byte {@code offset}. */
    public static int invalidDataField(long offset) {
        return (1 << 16) | ((int) offset & 0xffff);
    }

    public static int cntlid(int dw0) {
        return dw0 & 0xffff;
    }

    public static int ipo(int dw0) {
        return dw0 & 0xffff;
    }

    public static boolean iattrData(int dw0) {
        return ((dw0 >>> 16) & 1) != 0;
    }
}
