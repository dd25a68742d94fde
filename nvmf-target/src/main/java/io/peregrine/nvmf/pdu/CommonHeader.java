package io.peregrine.nvmf.pdu;

import io.netty.buffer.ByteBuf;

/**
 * The 8-byte common header every NVMe/TCP PDU starts with (TCP Transport 1.1, 3.6.2.1):
 *
 * <pre>
 *  byte 0    PDU-type    (PduType)
 *  byte 1    FLAGS       (PduFlags)
 *  byte 2    HLEN        header length, common header included, digest excluded
 *  byte 3    PDO         PDU data offset: where data starts, 0 when there is none
 *  bytes 4-7 PLEN        total PDU length: header, digests, padding and data (LE)
 * </pre>
 */
public record CommonHeader(int typeCode, int flags, int hlen, int pdo, int plen) {
    public static final int SIZE = 8;
    public static final int TYPE = 0;
    public static final int FLAGS = 1;
    public static final int HLEN = 2;
    public static final int PDO = 3;
    public static final int PLEN = 4;

    /** Reads the common header at {@code index} without moving the reader index. */
    public static CommonHeader read(ByteBuf buf, int index) {
        return new CommonHeader(
                buf.getUnsignedByte(index + TYPE),
                buf.getUnsignedByte(index + FLAGS),
                buf.getUnsignedByte(index + HLEN),
                buf.getUnsignedByte(index + PDO),
                buf.getIntLE(index + PLEN));
    }

    /** Appends a common header. */
    public static void write(ByteBuf out, PduType type, int flags, int hlen, int pdo, int plen) {
        out.writeByte(type.code());
        out.writeByte(flags);
        out.writeByte(hlen);
        out.writeByte(pdo);
        out.writeIntLE(plen);
    }

    /** The PDU type, or {@code null} when the type byte is reserved. */
    public PduType type() {
        return PduType.of(typeCode);
    }
}
