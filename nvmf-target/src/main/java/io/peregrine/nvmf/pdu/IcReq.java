package io.peregrine.nvmf.pdu;

import io.netty.buffer.ByteBuf;

/**
 * ICReq, the host's first PDU (TCP Transport 1.1, 3.6.2.2): protocol version, the alignment the
 * host wants for data it receives (HPDA), the digests it asks for and how many R2Ts it allows
 * outstanding per command (MAXR2T, 0's based).
 */
public record IcReq(int pfv, int hpda, boolean headerDigest, boolean dataDigest, int maxr2t) implements Pdu {
    public static final int HLEN = 128;
    public static final int PFV = 8;
    public static final int HPDA = 10;
    public static final int DGST = 11;
    public static final int MAXR2T = 12;

    /** Bits of the DGST byte of ICReq and ICResp. */
    public static final int HDGST_ENABLE = 0x01;

    public static final int DDGST_ENABLE = 0x02;

    @Override
    public PduType type() {
        return PduType.IC_REQ;
    }

    @Override
    public void encode(ByteBuf out, Digests digests, int pda, Crc32c crc) {
        int start = out.writerIndex();
        CommonHeader.write(out, PduType.IC_REQ, 0, HLEN, 0, HLEN);
        out.writeShortLE(pfv);
        out.writeByte(hpda);
        out.writeByte((headerDigest ? HDGST_ENABLE : 0) | (dataDigest ? DDGST_ENABLE : 0));
        out.writeIntLE(maxr2t);
        PduWriter.reserved(out, start, HLEN);
    }

    /** Reads the ICReq whose header starts at {@code index}. */
    public static IcReq read(ByteBuf buf, int index) {
        int dgst = buf.getUnsignedByte(index + DGST);
        return new IcReq(
                buf.getUnsignedShortLE(index + PFV),
                buf.getUnsignedByte(index + HPDA),
                (dgst & HDGST_ENABLE) != 0,
                (dgst & DDGST_ENABLE) != 0,
                buf.getIntLE(index + MAXR2T));
    }
}
