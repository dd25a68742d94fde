package io.peregrine.nvmf.pdu;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Objects;

/**
 * H2CTermReq or C2HTermReq (TCP Transport 1.1, 3.6.2.4/5): one side ends the connection because of
 * a fatal transport error. Carries the Fatal Error Status, the Fatal Error Information and, as
 * data, the header of the PDU in error (at most 128 bytes). No digests, no PDO padding.
 *
 * @param fesCode the raw FES value ({@link #fes()} decodes it)
 */
public record TermReq(PduType type, int fesCode, int fei, byte[] header) implements Pdu {
    public static final int HLEN = 24;
    public static final int FES = 8;
    public static final int FEI = 10;
    /** Largest PLEN of a TermReq: its header plus 128 bytes of the offending PDU. */
    public static final int MAX_PLEN = HLEN + PduFault.MAX_HEADER_BYTES;

    public TermReq {
        if (type != PduType.H2C_TERM_REQ && type != PduType.C2H_TERM_REQ) {
            throw new IllegalArgumentException("a TermReq is H2C_TERM_REQ or C2H_TERM_REQ, not " + type);
        }
        header = header == null ? new byte[0] : header.clone();
        if (header.length > PduFault.MAX_HEADER_BYTES) header = Arrays.copyOf(header, PduFault.MAX_HEADER_BYTES);
    }

    /** The C2HTermReq a controller sends for {@code fault}. */
    public static TermReq fromController(PduFault fault) {
        return new TermReq(PduType.C2H_TERM_REQ, fault.fes().code(), fault.fei(), fault.header());
    }

    /** The H2CTermReq a host sends for {@code fault}. */
    public static TermReq fromHost(PduFault fault) {
        return new TermReq(PduType.H2C_TERM_REQ, fault.fes().code(), fault.fei(), fault.header());
    }

    /** The Fatal Error Status, or {@code null} when the peer sent a reserved value. */
    public Fes fes() {
        return Fes.of(fesCode);
    }

    @Override
    public byte[] header() {
        return header.clone();
    }

    @Override
    public void encode(ByteBuf out, Digests digests, int pda, Crc32c crc) {
        int start = out.writerIndex();
        CommonHeader.write(out, type, 0, HLEN, 0, HLEN + header.length);
        out.writeShortLE(fesCode);
        out.writeIntLE(fei);
        PduWriter.reserved(out, start, HLEN);
        out.writeBytes(header);
    }

    /** Reads a TermReq of {@code plen} bytes whose header starts at {@code index}. */
    public static TermReq read(ByteBuf buf, int index, PduType type, int plen) {
        byte[] data = new byte[Math.max(0, Math.min(plen, MAX_PLEN) - HLEN)];
        buf.getBytes(index + HLEN, data);
        return new TermReq(type, buf.getUnsignedShortLE(index + FES), buf.getIntLE(index + FEI), data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TermReq t
                && t.type == type
                && t.fesCode == fesCode
                && t.fei == fei
                && Arrays.equals(t.header, header);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, fesCode, fei, Arrays.hashCode(header));
    }

    @Override
    public String toString() {
        Fes fes = fes();
        return "TermReq[" + type + ", fes=" + (fes == null ? "reserved " + fesCode : fes) + ", fei=" + fei + ", header="
                + header.length + " bytes]";
    }
}
