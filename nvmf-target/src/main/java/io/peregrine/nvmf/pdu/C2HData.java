package io.peregrine.nvmf.pdu;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Objects;

/**
 * C2HData (TCP Transport 1.1, 3.6.2.9): controller-to-host data of a read-type command. With
 * SUCCESS set on the last PDU the command completed successfully and no CapsuleResp follows (only
 * allowed when the host disabled SQ flow control at Connect).
 */
public record C2HData(int cccid, int datao, boolean last, boolean success, byte[] data) implements Pdu {
    public static final int HLEN = 24;
    public static final int CCCID = 8;
    public static final int DATAO = 12;
    public static final int DATAL = 16;

    public C2HData {
        data = data.clone();
    }

    @Override
    public PduType type() {
        return PduType.C2H_DATA;
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public void encode(ByteBuf out, Digests digests, int pda, Crc32c crc) {
        writeHeader(out, cccid, datao, data.length, last, success, digests, pda, crc);
        int dataIndex = out.writerIndex();
        out.writeBytes(data);
        if (digests.data() && data.length > 0) PduWriter.dataDigest(out, out, dataIndex, data.length, crc);
    }

    /**
     * Data path: appends a C2HData header for {@code datal} bytes the caller appends next (then
     * their data digest when enabled). Returns the PDO.
     */
    public static int writeHeader(
            ByteBuf out,
            int cccid,
            int datao,
            int datal,
            boolean last,
            boolean success,
            Digests digests,
            int hpda,
            Crc32c crc) {
        int start = out.writerIndex();
        int pdo = PduLayout.pdo(HLEN, digests.header(), datal, hpda);
        int flags = PduWriter.digestFlags(digests.header(), digests.data(), datal)
                | (last ? PduFlags.LAST_PDU : 0)
                | (success ? PduFlags.SUCCESS : 0);
        CommonHeader.write(
                out,
                PduType.C2H_DATA,
                flags,
                HLEN,
                pdo,
                PduLayout.plen(HLEN, digests.header(), pdo, datal, digests.data()));
        out.writeShortLE(cccid);
        out.writeShortLE(0);
        out.writeIntLE(datao);
        out.writeIntLE(datal);
        PduWriter.reserved(out, start, HLEN);
        PduWriter.headerDigestAndPad(out, start, HLEN, digests.header(), pdo, crc);
        return pdo;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof C2HData c
                && c.cccid == cccid
                && c.datao == datao
                && c.last == last
                && c.success == success
                && Arrays.equals(c.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cccid, datao, last, success, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "C2HData[cccid=" + cccid + ", datao=" + datao + ", datal=" + data.length + (last ? ", last" : "")
                + (success ? ", success" : "") + "]";
    }
}
