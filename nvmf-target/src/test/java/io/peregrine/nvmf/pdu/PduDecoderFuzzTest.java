package io.peregrine.nvmf.pdu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;

/**
 * Fuzzes {@link PduDecoder} in both roles with arbitrary bytes in arbitrary chunks, before or after
 * negotiation, digests on or off: nothing may escape as an exception, every window handed to the
 * sink must lie inside the buffer, a fault must be the last thing reported, and every input buffer
 * must be released once the channel is done.
 *
 * <p>{@code ./peregrine test} fuzzes {@link #decodes} for a short while (see the pom's {@code
 * fuzz-*} executions); the {@code long} profile runs {@link #decodesForLong}.
 */
class PduDecoderFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void decodes(FuzzedDataProvider data) {
        fuzz(data);
    }

    @Tag("long")
    @FuzzTest(maxDuration = "15m")
    void decodesForLong(FuzzedDataProvider data) {
        fuzz(data);
    }

    static void fuzz(FuzzedDataProvider data) {
        boolean controller = data.consumeBoolean();
        boolean negotiated = data.consumeBoolean();
        boolean headerDigest = data.consumeBoolean();
        boolean dataDigest = data.consumeBoolean();
        int pda = data.consumeInt(0, PduLayout.MAX_PDA);
        int rejectEvery = data.consumeInt(0, 8);
        Checker checker = new Checker(rejectEvery);
        PduSink sink = controller ? checker.controller() : checker.host();
        PduDecoder decoder = new PduDecoder(sink, data.consumeInt(0, 20_000), data.consumeInt(4096, 300_000));
        checker.decoder = decoder;
        if (negotiated) decoder.negotiated(headerDigest, dataDigest, pda);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        List<ByteBuf> inputs = new ArrayList<>();
        int chunks = data.consumeInt(1, 6);
        for (int i = 0; i < chunks; i++) {
            byte[] bytes =
                    i == chunks - 1 ? data.consumeRemainingAsBytes() : data.consumeBytes(data.consumeInt(0, 600));
            ByteBuf in = Unpooled.wrappedBuffer(bytes);
            inputs.add(in);
            in.retain(); // keep one reference to check the decoder released its own
            channel.writeInbound(in);
            channel.checkException();
        }
        channel.finishAndReleaseAll();
        for (ByteBuf in : inputs) {
            assertEquals(1, in.refCnt(), "the decoder released what it was given");
            in.release();
        }
        if (checker.faulted) assertEquals(PduDecoder.State.FAILED, decoder.state());
    }

    /** Checks every callback's arguments and sometimes rejects a PDU like a receiver would. */
    private static final class Checker {
        private final int rejectEvery;
        PduDecoder decoder;
        boolean faulted;
        int delivered;

        Checker(int rejectEvery) {
            this.rejectEvery = rejectEvery;
        }

        private void window(ByteBuf buf, int index, int length) {
            assertTrue(!faulted, "nothing is delivered after a fault");
            assertTrue(
                    length >= 0 && index >= buf.readerIndex() && index + length <= buf.writerIndex(),
                    "window " + index + "+" + length + " outside " + buf);
            delivered++;
            if (rejectEvery > 0 && delivered % rejectEvery == 0)
                decoder.reject(Fes.INVALID_PDU_HEADER_FIELD, 0, "fuzz");
        }

        private void termReq(TermReq termReq) {
            assertTrue(!faulted);
            assertTrue(termReq.header().length <= PduFault.MAX_HEADER_BYTES);
        }

        private void fault(PduFault fault) {
            assertTrue(!faulted, "one fault per connection");
            assertTrue(fault.header().length >= 1 && fault.header().length <= PduFault.MAX_HEADER_BYTES);
            faulted = true;
        }

        PduSink.Controller controller() {
            return new PduSink.Controller() {
                @Override
                public void icReq(IcReq icReq) {
                    assertTrue(!faulted);
                    decoder.negotiated(icReq.headerDigest(), icReq.dataDigest(), 0);
                }

                @Override
                public void capsuleCommand(ByteBuf buf, int pdu, int dataIndex, int dataLength, boolean ok) {
                    window(buf, pdu, CapsuleCommand.HLEN);
                    window(buf, dataIndex, dataLength);
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
                    window(buf, dataIndex, datal);
                }

                @Override
                public void termReq(TermReq termReq) {
                    Checker.this.termReq(termReq);
                }

                @Override
                public void protocolFault(PduFault fault) {
                    fault(fault);
                }
            };
        }

        PduSink.Host host() {
            return new PduSink.Host() {
                @Override
                public void icResp(IcResp icResp) {
                    assertTrue(!faulted);
                    decoder.negotiated(icResp.headerDigest(), icResp.dataDigest(), 0);
                }

                @Override
                public void capsuleResponse(ByteBuf buf, int cqeIndex) {
                    window(buf, cqeIndex, CapsuleResponse.CQE_SIZE);
                }

                @Override
                public void c2hData(
                        int cccid, int datao, int datal, int flags, ByteBuf buf, int dataIndex, boolean ok) {
                    window(buf, dataIndex, datal);
                }

                @Override
                public void r2t(int cccid, int ttag, int r2to, int r2tl) {
                    assertTrue(!faulted);
                }

                @Override
                public void termReq(TermReq termReq) {
                    Checker.this.termReq(termReq);
                }

                @Override
                public void protocolFault(PduFault fault) {
                    fault(fault);
                }
            };
        }
    }
}
