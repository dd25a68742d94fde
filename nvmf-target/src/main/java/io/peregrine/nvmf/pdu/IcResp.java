package io.peregrine.nvmf.pdu;

import io.netty.buffer.ByteBuf;

/**
 * ICResp, the controller's answer to ICReq (TCP Transport 1.1, 3.6.2.3): protocol version, the
 * alignment the controller wants for data it receives (CPDA), the digests in force and the largest
 * data section an H2CData PDU may carry (MAXH2CDATA, at least 4096).
 */
public record IcResp(int pfv, int cpda, boolean headerDigest, boolean dataDigest, int maxh2cdata) implements Pdu {
    public static final int HLEN = 128;
    public static final int PFV = 8;
    public static final int CPDA = 10;
    public static final int DGST = 11;
    public static final int MAXH2CDATA = 12;

    /** The smallest MAXH2CDATA a controller may announce. */
    public static final int MIN_MAXH2CDATA = 4096;

    @Override
    public PduType type() {
        return PduType.IC_RESP;
    }

    @Override
    public void encode(ByteBuf out, Digests digests, int pda, Crc32c crc) {
        int start = out.writerIndex();
        CommonHeader.write(out, PduType.IC_RESP, 0, HLEN, 0, HLEN);
        out.writeShortLE(pfv);
        out.writeByte(cpda);
        out.writeByte((headerDigest ? IcReq.HDGST_ENABLE : 0) | (dataDigest ? IcReq.DDGST_ENABLE : 0));
        out.writeIntLE(maxh2cdata);
        PduWriter.reserved(out, start, HLEN);
    }

    public static IcResp read(ByteBuf buf, int index) {
        int dgst = buf.getUnsignedByte(index + DGST);
        return new IcResp(
                buf.getUnsignedShortLE(index + PFV),
                buf.getUnsignedByte(index + CPDA),
                (dgst & IcReq.HDGST_ENABLE) != 0,
                (dgst & IcReq.DDGST_ENABLE) != 0,
                buf.getIntLE(index + MAXH2CDATA));
    }
}
