package io.peregrine.nvmf.pdu;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Objects;

/**
 * H2CData (TCP Transport 1.1, 3.6.2.8): host-to-controller data answering an R2T. CCCID names
 * the command, TTAG the R2T's transfer tag, DATAO the offset of this piece in the command's data.
 * DATAL (the data length) is implied by {@code data}.
 */
public record H2CData(int cccid, int ttag, int datao, boolean last, byte[] data) implements Pdu {
    public static final int HLEN = 24;
    public static final int CCCID = 8;
    public static final int TTAG = 10;
    public static final int DATAO = 12;
    public static final int DATAL = 16;

    public H2CData {
        data = data.clone();
    }

    @Override
    public PduType type() {
        return PduType.H2C_DATA;
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public void encode(ByteBuf out, Digests digests, int pda, Crc32c crc) {
        writeHeader(out, cccid, ttag, datao, data.length, last, digests, pda, crc);
        int dataIndex = out.writerIndex();
        out.writeBytes(data);
        if (digests.data() && data.length > 0) PduWriter.dataDigest(out, out, dataIndex, data.length, crc);
    }

    /**
     * Data path: appends an H2CData header for {@code datal} bytes the caller appends next (then
     * their data digest when enabled). Returns the PDO.
     */
    public static int writeHeader(
            ByteBuf out,
            int cccid,
            int ttag,
            int datao,
            int datal,
            boolean last,
            Digests digests,
            int cpda,
            Crc32c crc) {
        int start = out.writerIndex();
        int pdo = PduLayout.pdo(HLEN, digests.header(), datal, cpda);
        int flags = PduWriter.digestFlags(digests.header(), digests.data(), datal) | (last ? PduFlags.LAST_PDU : 0);
        CommonHeader.write(
                out,
                PduType.H2C_DATA,
                flags,
                HLEN,
                pdo,
                PduLayout.plen(HLEN, digests.header(), pdo, datal, digests.data()));
        out.writeShortLE(cccid);
        out.writeShortLE(ttag);
        out.writeIntLE(datao);
        out.writeIntLE(datal);
        PduWriter.reserved(out, start, HLEN);
        PduWriter.headerDigestAndPad(out, start, HLEN, digests.header(), pdo, crc);
        return pdo;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof H2CData h
                && h.cccid == cccid
                && h.ttag == ttag
                && h.datao == datao
                && h.last == last
                && Arrays.equals(h.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cccid, ttag, datao, last, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "H2CData[cccid=" + cccid + ", ttag=" + ttag + ", datao=" + datao + ", datal=" + data.length
                + (last ? ", last" : "") + "]";
    }
}
