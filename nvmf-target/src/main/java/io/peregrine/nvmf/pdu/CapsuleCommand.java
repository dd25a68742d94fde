package io.peregrine.nvmf.pdu;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * CapsuleCmd (TCP Transport 1.1, 3.6.2.6): a 64-byte submission queue entry and, optionally, its
 * in-capsule data (up to the queue's capsule size: 8 KiB on the admin queue, IOCCSZ on I/O
 * queues).
 */
public record CapsuleCommand(byte[] sqe, byte[] data) implements Pdu {
    public static final int SQE_SIZE = 64;
    public static final int SQE = 8;
    public static final int HLEN = SQE + SQE_SIZE;

    public CapsuleCommand {
        if (sqe.length != SQE_SIZE) throw new IllegalArgumentException("an SQE is 64 bytes, got " + sqe.length);
        sqe = sqe.clone();
        data = data == null ? new byte[0] : data.clone();
    }

    @Override
    public PduType type() {
        return PduType.CAPSULE_CMD;
    }

    @Override
    public byte[] sqe() {
        return sqe.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public void encode(ByteBuf out, Digests digests, int pda, Crc32c crc) {
        int start = out.writerIndex();
        int pdo = PduLayout.pdo(HLEN, digests.header(), data.length, pda);
        int plen = PduLayout.plen(HLEN, digests.header(), pdo, data.length, digests.data());
        CommonHeader.write(
                out,
                PduType.CAPSULE_CMD,
                PduWriter.digestFlags(digests.header(), digests.data(), data.length),
                HLEN,
                pdo,
                plen);
        out.writeBytes(sqe);
        PduWriter.headerDigestAndPad(out, start, HLEN, digests.header(), pdo, crc);
        if (data.length > 0) {
            int dataIndex = out.writerIndex();
            out.writeBytes(data);
            if (digests.data()) PduWriter.dataDigest(out, out, dataIndex, data.length, crc);
        }
    }

    /**
     * Data path: appends the header of a CapsuleCmd whose SQE is {@code sqe} and whose in-capsule
     * data ({@code dataLength} bytes, possibly 0) the caller appends next, followed by its data
     * digest when enabled. Returns the PDO.
     */
    public static int writeHeader(
            ByteBuf out, MemorySegment sqe, int dataLength, Digests digests, int cpda, Crc32c crc) {
        int start = out.writerIndex();
        int pdo = PduLayout.pdo(HLEN, digests.header(), dataLength, cpda);
        int plen = PduLayout.plen(HLEN, digests.header(), pdo, dataLength, digests.data());
        CommonHeader.write(
                out,
                PduType.CAPSULE_CMD,
                PduWriter.digestFlags(digests.header(), digests.data(), dataLength),
                HLEN,
                pdo,
                plen);
        Bytes.write(out, sqe, 0, SQE_SIZE);
        PduWriter.headerDigestAndPad(out, start, HLEN, digests.header(), pdo, crc);
        return pdo;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CapsuleCommand c && Arrays.equals(c.sqe, sqe) && Arrays.equals(c.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(sqe) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "CapsuleCommand[sqe=" + HexFormat.of().formatHex(sqe) + ", data=" + data.length + " bytes]";
    }
}
