package io.peregrine.nvmf.pdu;

/**
 * Fatal Error Status of an H2CTermReq or C2HTermReq (TCP Transport 1.1, "Fatal Error Status
 * values"). What the Fatal Error Information field (FEI) carries depends on the status.
 */
public enum Fes {
    /** A header field holds an invalid value; FEI is the byte offset of that field in the PDU. */
    INVALID_PDU_HEADER_FIELD(0x01),
    /** A PDU arrived that is not allowed in the connection's current state (e.g. before ICReq). */
    PDU_SEQUENCE_ERROR(0x02),
    /** The header digest did not match; FEI is the digest value that was received. */
    HEADER_DIGEST_ERROR(0x03),
    /** A data PDU addressed bytes outside the command's transfer. */
    DATA_TRANSFER_OUT_OF_RANGE(0x04),
    /** A PDU carried more data than was negotiated (MAXH2CDATA, in-capsule data size). */
    DATA_TRANSFER_LIMIT_EXCEEDED(0x05),
    /** ICReq asked for a parameter value this side cannot support; FEI is its byte offset. */
    UNSUPPORTED_PARAMETER(0x06);

    private final int code;

    Fes(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The status with code {@code code}, or {@code null} for a reserved value. */
    public static Fes of(int code) {
        for (Fes fes : values()) {
            if (fes.code == code) return fes;
        }
        return null;
    }
}
