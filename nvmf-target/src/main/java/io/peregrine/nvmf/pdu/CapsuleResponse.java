package io.peregrine.nvmf.pdu;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.HexFormat;

/** CapsuleResp (TCP Transport 1.1, 3.6.2.7): a 16-byte completion queue entry, never any data. */
public record CapsuleResponse(byte[] cqe) implements Pdu {
    public static final int CQE_SIZE = 16;
    public static final int CQE = 8;
    public static final int HLEN = CQE + CQE_SIZE;

    public CapsuleResponse {
        if (cqe.length != CQE_SIZE) throw new IllegalArgumentException("a CQE is 16 bytes, got " + cqe.length);
        cqe = cqe.clone();
    }

    @Override
    public PduType type() {
        return PduType.CAPSULE_RESP;
    }

    @Override
    public byte[] cqe() {
        return cqe.clone();
    }

    @Override
    public void encode(ByteBuf out, Digests digests, int pda, Crc32c crc) {
        int start = out.writerIndex();
        CommonHeader.write(
                out,
                PduType.CAPSULE_RESP,
                PduWriter.digestFlags(digests.header(), false, 0),
                HLEN,
                0,
                PduLayout.plen(HLEN, digests.header(), 0, 0, false));
        out.writeBytes(cqe);
        PduWriter.headerDigestAndPad(out, start, HLEN, digests.header(), 0, crc);
    }

    /** Data path: appends a CapsuleResp carrying the CQE in {@code cqe}. */
    public static void write(ByteBuf out, MemorySegment cqe, boolean headerDigest, Crc32c crc) {
        int start = out.writerIndex();
        CommonHeader.write(
                out,
                PduType.CAPSULE_RESP,
                headerDigest ? PduFlags.HDGSTF : 0,
                HLEN,
                0,
                PduLayout.plen(HLEN, headerDigest, 0, 0, false));
        Bytes.write(out, cqe, 0, CQE_SIZE);
        PduWriter.headerDigestAndPad(out, start, HLEN, headerDigest, 0, crc);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CapsuleResponse c && Arrays.equals(c.cqe, cqe);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(cqe);
    }

    @Override
    public String toString() {
        return "CapsuleResponse[cqe=" + HexFormat.of().formatHex(cqe) + "]";
    }
}
