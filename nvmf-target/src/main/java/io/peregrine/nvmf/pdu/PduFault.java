package io.peregrine.nvmf.pdu;

import java.util.Arrays;
import java.util.Objects;

/**
 * A fatal transport error found in a received PDU: the connection ends with a TermReq carrying
 * {@code fes} and {@code fei} and (up to 128 bytes of) the offending PDU header, then closes.
 *
 * @param fes the Fatal Error Status
 * @param fei the Fatal Error Information (a field offset, a received digest, or 0)
 * @param header the start of the offending PDU's header as received, at most 128 bytes
 * @param reason what was wrong, for logs and error messages
 */
public record PduFault(Fes fes, int fei, byte[] header, String reason) {

    /** A TermReq carries at most this much of the offending PDU (TCP Transport 1.1, TermReq). */
    public static final int MAX_HEADER_BYTES = 128;

    public PduFault {
        Objects.requireNonNull(fes, "fes");
        Objects.requireNonNull(reason, "reason");
        header = header == null ? new byte[0] : header.clone();
        if (header.length > MAX_HEADER_BYTES) header = Arrays.copyOf(header, MAX_HEADER_BYTES);
    }

    @Override
    public byte[] header() {
        return header.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PduFault f
                && f.fes == fes
                && f.fei == fei
                && Arrays.equals(f.header, header)
                && f.reason.equals(reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(fes, fei, Arrays.hashCode(header), reason);
    }

    @Override
    public String toString() {
        return "PduFault[" + fes + ", fei=" + fei + ", " + reason + "]";
    }
}
