package io.peregrine.nvmf.pdu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each PDU type encodes to the layout of TCP Transport 1.1 and decodes back, in any chunking. */
class PduCodecTest {

    @Test
    void crc32cMatchesTheCastagnoliCheckValue() {
        // the standard check value: CRC-32C of "123456789" is E3069283h
        ByteBuf nine = Unpooled.copiedBuffer("123456789", StandardCharsets.US_ASCII);
        assertEquals(0xE3069283, new Crc32c().digest(nine, 0, 9));
        ByteBuf direct = Unpooled.directBuffer(9).writeBytes(nine, 0, 9);
        assertEquals(0xE3069283, new Crc32c().digest(direct, 0, 9));
        nine.release();
        direct.release();
    }

    @Test
    void commonHeaderAndLayouts() {
        ByteBuf out = Unpooled.buffer();
        new R2T(7, 3, 4096, 65536).encode(out, new Pdu.Digests(true, false), 0, new Crc32c());
        assertEquals(PduType.R2T.code(), out.getByte(0));
        assertEquals(PduFlags.HDGSTF, out.getByte(1));
        assertEquals(24, out.getByte(2));
        assertEquals(0, out.getByte(3), "no data: PDO 0");
        assertEquals(28, out.getIntLE(4), "PLEN counts the header digest");
        assertEquals(7, out.getShortLE(R2T.CCCID));
        assertEquals(3, out.getShortLE(R2T.TTAG));
        assertEquals(4096, out.getIntLE(R2T.R2TO));
        assertEquals(65536, out.getIntLE(R2T.R2TL));
        assertEquals(new Crc32c().digest(out, 0, 24), out.getIntLE(24));
        out.release();

        // data padded to HPDA: (3 + 1) * 4 = 16-byte alignment after a 24 + 4 byte header
        ByteBuf c2h = Unpooled.buffer();
        new C2HData(1, 0, true, true, new byte[10]).encode(c2h, new Pdu.Digests(true, true), 3, new Crc32c());
        assertEquals(32, c2h.getUnsignedByte(3), "PDO aligned to 16");
        assertEquals(32 + 10 + 4, c2h.getIntLE(4));
        assertEquals(PduFlags.HDGSTF | PduFlags.DDGSTF | PduFlags.LAST_PDU | PduFlags.SUCCESS, c2h.getByte(1));
        c2h.release();
    }

    @ParameterizedTest(name = "digests {0}/{1}, chunk {2}")
    @CsvSource({"false,false,1", "true,true,1", "true,false,7", "false,true,4096", "true,true,13"})
    void hostPdusRoundTripThroughTheControllerDecoder(boolean hd, boolean dd, int chunk) {
        Random random = new Random(chunk);
        byte[] sqe = new byte[64];
        random.nextBytes(sqe);
        byte[] data = new byte[5000];
        random.nextBytes(data);
        List<Pdu> sent = List.of(
                new CapsuleCommand(sqe, data),
                new CapsuleCommand(sqe, new byte[0]),
                new H2CData(9, 2, 8192, true, data),
                new TermReq(PduType.H2C_TERM_REQ, 2, 0, new byte[] {1, 2, 3}));
        List<Pdu> got = new ArrayList<>();
        PduDecoder decoder = new PduDecoder(
                new PduSink.Controller() {
                    @Override
                    public void icReq(IcReq icReq) {
                        got.add(icReq);
                    }

                    @Override
                    public void capsuleCommand(ByteBuf buf, int pdu, int dataIndex, int dataLength, boolean ok) {
                        assertTrue(ok, "data digest");
                        byte[] s = new byte[64];
                        byte[] d = new byte[dataLength];
                        buf.getBytes(pdu + CapsuleCommand.SQE, s);
                        buf.getBytes(dataIndex, d);
                        got.add(new CapsuleCommand(s, d));
                    }

                    @Override
                    public void h2cData(
                            int cccid,
                            int ttag,
                            int datao,
                            int datal,
                            boolean last,
                            ByteBuf buf,
                            int dataIndex,
                            boolean ok) {
                        assertTrue(ok, "data digest");
                        byte[] d = new byte[datal];
                        buf.getBytes(dataIndex, d);
                        got.add(new H2CData(cccid, ttag, datao, last, d));
                    }

                    @Override
                    public void termReq(TermReq termReq) {
                        got.add(termReq);
                    }

                    @Override
                    public void protocolFault(PduFault fault) {
                        throw new AssertionError(fault.toString());
                    }
                },
                8192,
                8192);
        decoder.negotiated(hd, dd, 0);
        ByteBuf all = Unpooled.buffer();
        Crc32c crc = new Crc32c();
        for (Pdu pdu : sent) pdu.encode(all, new Pdu.Digests(hd, dd), 0, crc);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        while (all.isReadable()) {
            channel.writeInbound(all.readRetainedSlice(Math.min(chunk, all.readableBytes())));
        }
        all.release();
        channel.checkException();
        channel.finishAndReleaseAll();
        assertEquals(sent, got);
    }

    @Test
    void icReqAndIcRespCarryTheirFields() {
        ByteBuf out = Unpooled.buffer();
        new IcReq(0, 5, true, false, 7).encode(out, Pdu.Digests.NONE, 0, new Crc32c());
        assertEquals(128, out.readableBytes());
        IcReq back = IcReq.read(out, 0);
        assertEquals(new IcReq(0, 5, true, false, 7), back);
        out.clear();
        new IcResp(0, 1, false, true, 131072).encode(out, Pdu.Digests.NONE, 0, new Crc32c());
        assertEquals(new IcResp(0, 1, false, true, 131072), IcResp.read(out, 0));
        out.release();
        assertInstanceOf(
                Pdu.class, TermReq.fromController(new PduFault(Fes.PDU_SEQUENCE_ERROR, 0, new byte[300], "x")));
        assertEquals(
                PduFault.MAX_HEADER_BYTES,
                TermReq.fromController(new PduFault(Fes.PDU_SEQUENCE_ERROR, 0, new byte[300], "x"))
                        .header()
                        .length);
    }
}
