package io.peregrine.nvmf.pdu;

import io.netty.buffer.ByteBuf;

/**
 * R2T, Ready to Transfer (TCP Transport 1.1, 3.6.2.10): the controller asks for {@code r2tl}
 * bytes of command {@code cccid}'s data from offset {@code r2to}, to be sent in H2CData PDUs
 * tagged {@code ttag}.
 */
public record R2T(int cccid, int ttag, int r2to, int r2tl) implements Pdu {
    public static final int HLEN = 24;
    public static final int CCCID = 8;
    public static final int TTAG = 10;
    public static final int R2TO = 12;
    public static final int R2TL = 16;

    @Override
    public PduType type() {
        return PduType.R2T;
    }

    @Override
    public void encode(ByteBuf out, Digests digests, int pda, Crc32c crc) {
        write(out, cccid, ttag, r2to, r2tl, digests.header(), crc);
    }

    /** Data path: appends an R2T. */
    public static void write(ByteBuf out, int cccid, int ttag, int r2to, int r2tl, boolean headerDigest, Crc32c crc) {
        int start = out.writerIndex();
        CommonHeader.write(
                out,
                PduType.R2T,
                headerDigest ? PduFlags.HDGSTF : 0,
                HLEN,
                0,
                PduLayout.plen(HLEN, headerDigest, 0, 0, false));
        out.writeShortLE(cccid);
        out.writeShortLE(ttag);
        out.writeIntLE(r2to);
        out.writeIntLE(r2tl);
        PduWriter.reserved(out, start, HLEN);
        PduWriter.headerDigestAndPad(out, start, HLEN, headerDigest, 0, crc);
    }

    public static R2T read(ByteBuf buf, int index) {
        return new R2T(
                buf.getUnsignedShortLE(index + CCCID),
                buf.getUnsignedShortLE(index + TTAG),
                buf.getIntLE(index + R2TO),
                buf.getIntLE(index + R2TL));
    }
}
