package io.peregrine.nvmf.pdu;

import io.netty.buffer.ByteBuf;

/**
 * One NVMe/TCP PDU as a value. These records are what tests, the fuzzers, logs and the control
 * path (ICReq/ICResp, TermReq) work with; the data path reads and writes the same layouts through
 * the static methods of each record type without materialising a record per I/O.
 */
public sealed interface Pdu permits IcReq, IcResp, TermReq, CapsuleCommand, CapsuleResponse, H2CData, C2HData, R2T {

    PduType type();

    /**
     * Appends this PDU to {@code out}, with the digests the connection negotiated and data padded
     * to the receiver's alignment ({@code pda}, 0's based dwords). ICReq, ICResp and TermReq never
     * carry digests whatever {@code digests} says.
     */
    void encode(ByteBuf out, Digests digests, int pda, Crc32c crc);

    /** Which digests a connection negotiated. */
    record Digests(boolean header, boolean data) {
        public static final Digests NONE = new Digests(false, false);
    }
}
