package io.peregrine.nvmf.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Frames and validates NVMe/TCP PDUs and hands them to a {@link PduSink}.
 *
 * <p>The 8-byte common header is checked first -- type, direction, sequence, HLEN, flags, PLEN and
 * PDO -- before a single byte of the body is waited for, so a hostile PLEN can never make us
 * buffer more than the negotiated limits. Then the whole PDU is awaited, the header digest
 * verified, the type-specific header fields checked, the data digest computed, and the PDU
 * delivered. Any violation is a {@link PduFault}: the sink is told once, the decoder enters {@link
 * State#FAILED} and discards everything after (Netty's {@code BAD_MESSAGE} idea); no exception
 * leaves the decoder for malformed input.
 *
 * <table>
 *   <caption>Limits</caption>
 *   <tr><th>what</th><th>limit</th><th>fault</th></tr>
 *   <tr><td>ICReq/ICResp PLEN</td><td>exactly 128</td><td>01h, FEI 4</td></tr>
 *   <tr><td>TermReq PLEN</td><td>24..152</td><td>01h, FEI 4</td></tr>
 *   <tr><td>in-capsule data</td><td>{@link #limits(int, int)} capsule limit</td><td>05h</td></tr>
 *   <tr><td>H2CData/C2HData data</td><td>{@link #limits(int, int)} data-PDU limit</td><td>05h</td></tr>
 * </table>
 *
 * <p>Data digest mismatches are not fatal (TCP Transport 1.1: the command completes with a
 * transport error instead), so they reach the sink as {@code dataDigestOk == false}.
 */
public final class PduDecoder extends ByteToMessageDecoder {

    /** Where the decoder is in the byte stream. */
    public enum State {
        /** Waiting for the next 8-byte common header. */
        HEADER,
        /** The header was valid; waiting for the remaining PLEN bytes. */
        BODY,
        /** A fatal error was reported; everything after is discarded until the channel closes. */
        FAILED
    }

    private final PduSink sink;
    private final PduSink.Controller controller;
    private final PduSink.Host host;
    private final PduType.Direction accepts;
    private final Crc32c crc = new Crc32c();

    private State state = State.HEADER;
    private boolean negotiated;
    private boolean headerDigest;
    private boolean dataDigest;
    private int pdaAlignment = 4;
    private int maxCapsuleData;
    private int maxDataPdu;

    // the PDU being assembled
    private PduType type;
    private int flags;
    private int pdo;
    private int plen;
    private int dataLength;

    // set by reject() from inside a sink callback
    private PduFault rejection;
    private ByteBuf current;
    private int currentIndex;

    /**
     * @param sink a {@link PduSink.Controller} (decodes what hosts send) or a {@link PduSink.Host}
     * @param maxCapsuleData largest in-capsule data accepted before negotiation changes it
     * @param maxDataPdu largest H2CData/C2HData data section accepted
     */
    public PduDecoder(PduSink sink, int maxCapsuleData, int maxDataPdu) {
        this.sink = sink;
        this.controller = sink instanceof PduSink.Controller c ? c : null;
        this.host = sink instanceof PduSink.Host h ? h : null;
        this.accepts = controller != null ? PduType.Direction.HOST_TO_CONTROLLER : PduType.Direction.CONTROLLER_TO_HOST;
        this.maxCapsuleData = maxCapsuleData;
        this.maxDataPdu = maxDataPdu;
        setCumulator(MergingCumulator.INSTANCE);
        // the cumulator drops consumed bytes itself whenever it has to grow
        setDiscardAfterReads(Integer.MAX_VALUE);
    }

    /**
     * Ends connection initialization: from now on ICReq/ICResp are sequence errors and digests and
     * alignment are as negotiated. {@code pda} is the 0's based alignment this side asked for
     * (CPDA for a controller, HPDA for a host).
     */
    public void negotiated(boolean headerDigest, boolean dataDigest, int pda) {
        this.negotiated = true;
        this.headerDigest = headerDigest;
        this.dataDigest = dataDigest;
        this.pdaAlignment = PduLayout.alignment(pda);
    }

    /** Changes the data limits: in-capsule data and H2CData/C2HData data sections. */
    public void limits(int maxCapsuleData, int maxDataPdu) {
        this.maxCapsuleData = maxCapsuleData;
        this.maxDataPdu = maxDataPdu;
    }

    public State state() {
        return state;
    }

    /**
     * Called by the sink while it handles a PDU it cannot accept: the connection ends with a
     * TermReq carrying {@code fes}/{@code fei} and this PDU's header.
     */
    public void reject(Fes fes, int fei, String reason) {
        if (rejection != null || current == null) return;
        rejection = new PduFault(fes, fei, headerBytes(current, currentIndex), reason);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            switch (state) {
                case FAILED -> {
                    in.skipBytes(in.readableBytes());
                    return;
                }
                case HEADER -> {
                    if (in.readableBytes() < CommonHeader.SIZE) return;
                    PduFault fault = checkCommonHeader(in, in.readerIndex());
                    if (fault != null) {
                        fail(fault);
                        continue;
                    }
                    state = State.BODY;
                }
                case BODY -> {
                    if (in.readableBytes() < plen) return;
                    int index = in.readerIndex();
                    PduFault fault = deliver(in, index);
                    if (fault != null) {
                        fail(fault);
                        continue;
                    }
                    in.readerIndex(index + plen);
                    state = State.HEADER;
                }
            }
        }
    }

    private void fail(PduFault fault) {
        state = State.FAILED;
        sink.protocolFault(fault);
    }

    // ------------------------------------------------------------------ common header

    private PduFault checkCommonHeader(ByteBuf in, int at) {
        int code = in.getUnsignedByte(at + CommonHeader.TYPE);
        PduType t = PduType.of(code);
        if (t == null || t.direction() != accepts) {
            return fault(
                    in,
                    at,
                    Fes.INVALID_PDU_HEADER_FIELD,
                    CommonHeader.TYPE,
                    "PDU type " + hex(code) + " is not one a " + (controller != null ? "controller" : "host")
                            + " receives");
        }
        boolean term = t == PduType.H2C_TERM_REQ || t == PduType.C2H_TERM_REQ;
        boolean ic = t == PduType.IC_REQ || t == PduType.IC_RESP;
        if (!term && ic == negotiated) {
            return fault(
                    in,
                    at,
                    Fes.PDU_SEQUENCE_ERROR,
                    0,
                    negotiated
                            ? t + " after the connection was initialized"
                            : t + " before connection initialization (ICReq/ICResp) completed");
        }
        int h = in.getUnsignedByte(at + CommonHeader.HLEN);
        if (h != t.hlen()) {
            return fault(
                    in,
                    at,
                    Fes.INVALID_PDU_HEADER_FIELD,
                    CommonHeader.HLEN,
                    t + " must have HLEN " + t.hlen() + ", got " + h);
        }
        int f = in.getUnsignedByte(at + CommonHeader.FLAGS);
        int p = in.getUnsignedByte(at + CommonHeader.PDO);
        long len = in.getUnsignedIntLE(at + CommonHeader.PLEN);

        if (ic) {
            if (len != h)
                return fault(
                        in,
                        at,
                        Fes.INVALID_PDU_HEADER_FIELD,
                        CommonHeader.PLEN,
                        t + " PLEN must be " + h + ", got " + len);
            return accept(t, f, p, (int) len);
        }
        if (term) {
            if (len < h || len > TermReq.MAX_PLEN) {
                return fault(
                        in,
                        at,
                        Fes.INVALID_PDU_HEADER_FIELD,
                        CommonHeader.PLEN,
                        t + " PLEN must be " + h + ".." + TermReq.MAX_PLEN + ", got " + len);
            }
            return accept(t, f, p, (int) len);
        }

        // digestible PDUs: the header digest flag must say what was negotiated
        boolean hd = (f & PduFlags.HDGSTF) != 0;
        if (hd != headerDigest) {
            return fault(
                    in,
                    at,
                    Fes.INVALID_PDU_HEADER_FIELD,
                    CommonHeader.FLAGS,
                    headerDigest
                            ? "header digests were negotiated but HDGSTF is clear"
                            : "HDGSTF is set but header digests were not negotiated");
        }
        int headerEnd = h + (headerDigest ? Crc32c.LENGTH : 0);
        if (!t.carriesData()) {
            if (len != headerEnd) {
                return fault(
                        in,
                        at,
                        Fes.INVALID_PDU_HEADER_FIELD,
                        CommonHeader.PLEN,
                        t + " carries no data: PLEN must be " + headerEnd + ", got " + len);
            }
            if ((f & PduFlags.DDGSTF) != 0) {
                return fault(
                        in,
                        at,
                        Fes.INVALID_PDU_HEADER_FIELD,
                        CommonHeader.FLAGS,
                        "DDGSTF set on " + t + ", which carries no data");
            }
            return accept(t, f, p, (int) len);
        }
        if (len < headerEnd) {
            return fault(
                    in,
                    at,
                    Fes.INVALID_PDU_HEADER_FIELD,
                    CommonHeader.PLEN,
                    "PLEN " + len + " is shorter than the header (" + headerEnd + " bytes)");
        }
        if (len == headerEnd) {
            if (t != PduType.CAPSULE_CMD) {
                return fault(in, at, Fes.INVALID_PDU_HEADER_FIELD, CommonHeader.PLEN, t + " without data");
            }
            if ((f & PduFlags.DDGSTF) != 0) {
                return fault(
                        in,
                        at,
                        Fes.INVALID_PDU_HEADER_FIELD,
                        CommonHeader.FLAGS,
                        "DDGSTF set on a capsule without data");
            }
            // TCP Transport 1.1 3.6.1: PDO points at PDU data, and there is none; hosts send 0h
            // (Linux and SPDK alike). A PDO past PLEN here once let the data window run backwards
            // (PDO 74 in a 72-byte capsule: 74+-2), so it is refused like any other bad PDO.
            if (p != 0) {
                return fault(
                        in,
                        at,
                        Fes.INVALID_PDU_HEADER_FIELD,
                        CommonHeader.PDO,
                        "PDO " + p + " on a capsule without data (PLEN " + len + "): it must be 0");
            }
            return accept(t, f, p, (int) len);
        }
        boolean dd = (f & PduFlags.DDGSTF) != 0;
        if (dd != dataDigest) {
            return fault(
                    in,
                    at,
                    Fes.INVALID_PDU_HEADER_FIELD,
                    CommonHeader.FLAGS,
                    dataDigest
                            ? "data digests were negotiated but DDGSTF is clear"
                            : "DDGSTF is set but data digests were not negotiated");
        }
        int trailer = dataDigest ? Crc32c.LENGTH : 0;
        if (p < headerEnd || p % pdaAlignment != 0 || p + trailer >= len) {
            return fault(
                    in,
                    at,
                    Fes.INVALID_PDU_HEADER_FIELD,
                    CommonHeader.PDO,
                    "PDO " + p + " must be at least " + headerEnd + ", a multiple of " + pdaAlignment
                            + " and leave room for data in PLEN " + len);
        }
        long carried = len - p - trailer;
        long limit = t == PduType.CAPSULE_CMD ? maxCapsuleData : maxDataPdu;
        if (carried > limit) {
            return fault(
                    in,
                    at,
                    Fes.DATA_TRANSFER_LIMIT_EXCEEDED,
                    0,
                    t + " carries " + carried + " data bytes, more than the " + limit + " allowed");
        }
        return accept(t, f, p, (int) len, (int) carried);
    }

    /** Accepts a header without a data section (what follows HLEN is a digest or TermReq data). */
    private PduFault accept(PduType t, int f, int p, int len) {
        return accept(t, f, p, len, 0);
    }

    private PduFault accept(PduType t, int f, int p, int len, int data) {
        type = t;
        flags = f;
        pdo = p;
        plen = len;
        dataLength = data;
        return null;
    }

    // ------------------------------------------------------------------ whole PDU

    private PduFault deliver(ByteBuf in, int at) {
        if (type.digestible() && headerDigest) {
            int expected = crc.digest(in, at, type.hlen());
            int received = in.getIntLE(at + type.hlen());
            if (expected != received) {
                return fault(
                        in,
                        at,
                        Fes.HEADER_DIGEST_ERROR,
                        received,
                        "header digest mismatch: received " + hex(received) + ", computed " + hex(expected));
            }
        }
        // the data window was bounded when the header was accepted: PDO..PLEN minus the digest,
        // or empty (then it starts where the header ends and nothing is read from it)
        int dataIndex = at + (dataLength > 0 ? pdo : plen);
        boolean digestOk = true;
        if ((flags & PduFlags.DDGSTF) != 0 && dataLength > 0) {
            digestOk = crc.digest(in, dataIndex, dataLength) == in.getIntLE(dataIndex + dataLength);
        }
        current = in;
        currentIndex = at;
        try {
            switch (type) {
                case IC_REQ -> controller.icReq(IcReq.read(in, at));
                case IC_RESP -> host.icResp(IcResp.read(in, at));
                case H2C_TERM_REQ, C2H_TERM_REQ -> sink.termReq(TermReq.read(in, at, type, plen));
                case CAPSULE_CMD -> controller.capsuleCommand(in, at, dataIndex, dataLength, digestOk);
                case CAPSULE_RESP -> host.capsuleResponse(in, at + CapsuleResponse.CQE);
                case H2C_DATA -> {
                    int datal = in.getIntLE(at + H2CData.DATAL);
                    if (datal != dataLength) {
                        return fault(
                                in,
                                at,
                                Fes.INVALID_PDU_HEADER_FIELD,
                                H2CData.DATAL,
                                "DATAL " + datal + " does not match the " + dataLength + " data bytes in the PDU");
                    }
                    controller.h2cData(
                            in.getUnsignedShortLE(at + H2CData.CCCID),
                            in.getUnsignedShortLE(at + H2CData.TTAG),
                            in.getIntLE(at + H2CData.DATAO),
                            datal,
                            (flags & PduFlags.LAST_PDU) != 0,
                            in,
                            dataIndex,
                            digestOk);
                }
                case C2H_DATA -> {
                    int datal = in.getIntLE(at + C2HData.DATAL);
                    if (datal != dataLength) {
                        return fault(
                                in,
                                at,
                                Fes.INVALID_PDU_HEADER_FIELD,
                                C2HData.DATAL,
                                "DATAL " + datal + " does not match the " + dataLength + " data bytes in the PDU");
                    }
                    host.c2hData(
                            in.getUnsignedShortLE(at + C2HData.CCCID),
                            in.getIntLE(at + C2HData.DATAO),
                            datal,
                            flags,
                            in,
                            dataIndex,
                            digestOk);
                }
                case R2T ->
                    host.r2t(
                            in.getUnsignedShortLE(at + R2T.CCCID),
                            in.getUnsignedShortLE(at + R2T.TTAG),
                            in.getIntLE(at + R2T.R2TO),
                            in.getIntLE(at + R2T.R2TL));
            }
        } finally {
            current = null;
        }
        PduFault rejected = rejection;
        rejection = null;
        return rejected;
    }

    private static PduFault fault(ByteBuf in, int at, Fes fes, int fei, String reason) {
        return new PduFault(fes, fei, headerBytes(in, at), reason);
    }

    /** The start of the PDU at {@code at}: its header (at most 128 bytes), as much as has arrived. */
    private static byte[] headerBytes(ByteBuf in, int at) {
        int want = Math.min(
                Math.max(CommonHeader.SIZE, in.getUnsignedByte(at + CommonHeader.HLEN)), PduFault.MAX_HEADER_BYTES);
        return Bytes.copy(in, at, Math.min(want, in.writerIndex() - at));
    }

    private static String hex(int value) {
        return "0x" + Integer.toHexString(value);
    }
}
