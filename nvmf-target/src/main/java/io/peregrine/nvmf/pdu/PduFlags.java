package io.peregrine.nvmf.pdu;

/** Bits of the FLAGS byte of the common header (TCP Transport 1.1, 3.6.2.1). */
public final class PduFlags {
    /** HDGSTF: a header digest follows the PDU header. */
    public static final int HDGSTF = 0x01;
    /** DDGSTF: a data digest follows the PDU data. */
    public static final int DDGSTF = 0x02;
    /** LAST_PDU (H2CData, C2HData): the last data PDU of this transfer. */
    public static final int LAST_PDU = 0x04;
    /**
     * SUCCESS (C2HData): the command completed successfully and no CapsuleResp follows. Only valid
     * on the last data PDU and only when SQ flow control is disabled for the queue.
     */
    public static final int SUCCESS = 0x08;

    private PduFlags() {}
}
