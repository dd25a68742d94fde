package io.peregrine.nvmf.pdu;

import io.netty.buffer.ByteBuf;

/**
 * Where a {@link PduDecoder} delivers what it decoded. Data-path PDUs arrive as primitive fields
 * plus a window into the receive buffer, so decoding allocates nothing; the buffer window is valid
 * only for the duration of the call (copy or {@code retainedSlice} what must outlive it).
 *
 * <p>Implementations run on the connection's event loop and must not block. A receiver that finds
 * a protocol error in a PDU the decoder accepted (an unknown transfer tag, say) calls {@link
 * PduDecoder#reject} from inside the callback.
 */
public sealed interface PduSink permits PduSink.Controller, PduSink.Host {

    /** The peer ended the connection with a TermReq. */
    void termReq(TermReq termReq);

    /** Decoding found a fatal transport error; nothing more will be delivered. */
    void protocolFault(PduFault fault);

    /** The controller side of a connection: receives what a host sends. */
    non-sealed interface Controller extends PduSink {
        void icReq(IcReq icReq);

        /**
         * A command capsule: the SQE is the 64 bytes at {@code pdu + CapsuleCommand.SQE}; in-capsule
         * data, if any, is {@code dataLength} bytes at {@code dataIndex}.
         */
        void capsuleCommand(ByteBuf buf, int pdu, int dataIndex, int dataLength, boolean dataDigestOk);

        /** A piece of write data answering one of our R2Ts. */
        void h2cData(
                int cccid,
                int ttag,
                int datao,
                int datal,
                boolean last,
                ByteBuf buf,
                int dataIndex,
                boolean dataDigestOk);
    }

    /** The host side of a connection: receives what a controller sends. */
    non-sealed interface Host extends PduSink {
        void icResp(IcResp icResp);

        /** A response capsule: the CQE is the 16 bytes at {@code cqeIndex}. */
        void capsuleResponse(ByteBuf buf, int cqeIndex);

        /** A piece of read data; {@code flags} carries LAST_PDU and SUCCESS. */
        void c2hData(int cccid, int datao, int datal, int flags, ByteBuf buf, int dataIndex, boolean dataDigestOk);

        void r2t(int cccid, int ttag, int r2to, int r2tl);
    }
}
