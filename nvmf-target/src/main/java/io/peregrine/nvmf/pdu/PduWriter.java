package io.peregrine.nvmf.pdu;

import io.netty.buffer.ByteBuf;

/**
 * The shared tail of every PDU encoder: reserved bytes up to HLEN, the header digest, padding to
 * PDO and the data digest. Allocation-free; used by the records and by the data path alike.
 */
public final class PduWriter {
    private PduWriter() {}

    /** Zero-fills from the writer index up to {@code start + hlen} (the reserved tail of a header). */
    public static void reserved(ByteBuf out, int start, int hlen) {
        out.writeZero(start + hlen - out.writerIndex());
    }

    /**
     * Appends the header digest over {@code [start, start + hlen)} when enabled, then zero padding
     * up to {@code start + pdo} when the PDU carries data.
     */
    public static void headerDigestAndPad(ByteBuf out, int start, int hlen, boolean headerDigest, int pdo, Crc32c crc) {
        if (headerDigest) out.writeIntLE(crc.digest(out, start, hlen));
        if (pdo != 0) out.writeZero(start + pdo - out.writerIndex());
    }

    /** Appends the data digest over {@code length} bytes of {@code data} from {@code index}. */
    public static void dataDigest(ByteBuf out, ByteBuf data, int index, int length, Crc32c crc) {
        out.writeIntLE(crc.digest(data, index, length));
    }

    /** The flags byte announcing the digests this PDU carries. */
    public static int digestFlags(boolean headerDigest, boolean dataDigest, int dataLength) {
        int flags = headerDigest ? PduFlags.HDGSTF : 0;
        if (dataDigest && dataLength > 0) flags |= PduFlags.DDGSTF;
        return flags;
    }
}
