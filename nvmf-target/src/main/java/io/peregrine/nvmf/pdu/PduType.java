package io.peregrine.nvmf.pdu;

/**
 * The PDU types of NVMe/TCP (TCP Transport 1.1, section 3.6.2, "PDU type"), each with the fixed
 * header length {@code HLEN} the spec assigns it and the direction it travels in.
 */
public enum PduType {
    IC_REQ(0x00, IcReq.HLEN, Direction.HOST_TO_CONTROLLER),
    IC_RESP(0x01, IcResp.HLEN, Direction.CONTROLLER_TO_HOST),
    H2C_TERM_REQ(0x02, TermReq.HLEN, Direction.HOST_TO_CONTROLLER),
    C2H_TERM_REQ(0x03, TermReq.HLEN, Direction.CONTROLLER_TO_HOST),
    CAPSULE_CMD(0x04, CapsuleCommand.HLEN, Direction.HOST_TO_CONTROLLER),
    CAPSULE_RESP(0x05, CapsuleResponse.HLEN, Direction.CONTROLLER_TO_HOST),
    H2C_DATA(0x06, H2CData.HLEN, Direction.HOST_TO_CONTROLLER),
    C2H_DATA(0x07, C2HData.HLEN, Direction.CONTROLLER_TO_HOST),
    R2T(0x09, io.peregrine.nvmf.pdu.R2T.HLEN, Direction.CONTROLLER_TO_HOST);

    /** Which peer sends a PDU type; a receiver rejects the other direction as an invalid type. */
    public enum Direction {
        HOST_TO_CONTROLLER,
        CONTROLLER_TO_HOST
    }

    private static final PduType[] BY_CODE = new PduType[256];

    static {
        for (PduType type : values()) BY_CODE[type.code] = type;
    }

    private final int code;
    private final int hlen;
    private final Direction direction;

    PduType(int code, int hlen, Direction direction) {
        this.code = code;
        this.hlen = hlen;
        this.direction = direction;
    }

    /** The PDU-type byte of the common header. */
    public int code() {
        return code;
    }

    /** The header length (HLEN) the spec fixes for this type, common header included. */
    public int hlen() {
        return hlen;
    }

    public Direction direction() {
        return direction;
    }

    /**
     * Whether the negotiated header and data digests apply to this type. ICReq/ICResp are
     * exchanged before digests exist and TermReqs must be readable whatever went wrong, so neither
     * carries a digest (TCP Transport 1.1, 3.6.2.x).
     */
    public boolean digestible() {
        return switch (this) {
            case IC_REQ, IC_RESP, H2C_TERM_REQ, C2H_TERM_REQ -> false;
            default -> true;
        };
    }

    /** Whether a PDU of this type may carry a data section after its header. */
    public boolean carriesData() {
        return switch (this) {
            case CAPSULE_CMD, H2C_DATA, C2H_DATA, H2C_TERM_REQ, C2H_TERM_REQ -> true;
            default -> false;
        };
    }

    /** The type with PDU-type byte {@code code}, or {@code null} for a reserved value. */
    public static PduType of(int code) {
        return code < 0 || code > 255 ? null : BY_CODE[code];
    }
}
