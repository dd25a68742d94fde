package io.peregrine.nvmf.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.peregrine.nvmf.buffer.Copies;
import io.peregrine.nvmf.buffer.IoBuffer;
import io.peregrine.nvmf.buffer.IoBufferPool;
import io.peregrine.nvmf.core.QueuePair;
import io.peregrine.nvmf.core.Request;
import io.peregrine.nvmf.core.Target;
import io.peregrine.nvmf.core.TargetLimits;
import io.peregrine.nvmf.core.TransportOps;
import io.peregrine.nvmf.pdu.C2HData;
import io.peregrine.nvmf.pdu.CapsuleCommand;
import io.peregrine.nvmf.pdu.CapsuleResponse;
import io.peregrine.nvmf.pdu.Crc32c;
import io.peregrine.nvmf.pdu.Fes;
import io.peregrine.nvmf.pdu.H2CData;
import io.peregrine.nvmf.pdu.IcReq;
import io.peregrine.nvmf.pdu.IcResp;
import io.peregrine.nvmf.pdu.Pdu;
import io.peregrine.nvmf.pdu.PduDecoder;
import io.peregrine.nvmf.pdu.PduFault;
import io.peregrine.nvmf.pdu.PduLayout;
import io.peregrine.nvmf.pdu.PduSink;
import io.peregrine.nvmf.pdu.R2T;
import io.peregrine.nvmf.pdu.TermReq;
import java.net.SocketAddress;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The controller side of one NVMe/TCP connection: connection initialization (ICReq/ICResp), the
 * capsule and data PDUs of one {@link QueuePair}, R2T flow for writes whose data is not in the
 * capsule, C2HData (with SUCCESS when SQ flow control is off) and CapsuleResp, and C2HTermReq on a
 * protocol error. Dispatches no command itself: the core does (Linux's {@code tcp.c} likewise).
 *
 * <p>Writes are batched: responses produced while a read is being decoded are flushed once at
 * {@code channelReadComplete}; responses produced later (a namespace completing on its own
 * schedule) are flushed by one task per batch.
 */
final class TcpConnection extends ChannelInboundHandlerAdapter implements PduSink.Controller, TransportOps {
    private static final Logger LOG = Logger.getLogger(TcpConnection.class.getName());

    /** Controller PDU data alignment we ask hosts for (CPDA, 0's based dwords). */
    static final int CPDA = 0;

    /** {@link Request#transportState()} bit: a data digest failed on one of the request's H2CData PDUs. */
    private static final int DIGEST_FAILED = 1;

    /** Where the connection is. */
    enum Phase {
        /** Waiting for ICReq. */
        INITIALIZING,
        /** ICResp sent; capsules flow. */
        LIVE,
        /** A TermReq was sent or received, or the channel closed. */
        TERMINATED
    }

    private final Target target;
    private final TcpTargetConfig config;
    private final PduDecoder decoder;
    private final Crc32c crc = new Crc32c();
    private final Runnable flushTask = this::flushNow;

    private ChannelHandlerContext ctx;
    private QueuePair queue;
    private Phase phase = Phase.INITIALIZING;
    private Pdu.Digests digests = Pdu.Digests.NONE;
    private int hpda;
    private boolean reading;
    private boolean unflushed;
    private boolean flushScheduled;

    TcpConnection(Target target, TcpTargetConfig config) {
        this.target = target;
        this.config = config;
        TargetLimits limits = target.limits();
        this.decoder = new PduDecoder(
                this, Math.max(TargetLimits.ADMIN_CAPSULE_DATA, limits.inCapsuleDataSize()), limits.maxH2CData());
    }

    PduDecoder decoder() {
        return decoder;
    }

    Phase phase() {
        return phase;
    }

    QueuePair queue() {
        return queue;
    }

    // ------------------------------------------------------------------ channel lifecycle

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        IoBufferPool buffers = config.buffers().forExecutor(context.channel().eventLoop());
        queue = target.newQueue(this, buffers);
        context.fireChannelActive();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        reading = false;
        if (unflushed) flushNow();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        phase = Phase.TERMINATED;
        if (queue != null) queue.closed();
        context.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        // socket errors (a reset by the peer) and bugs alike end this connection and only it
        LOG.log(Level.FINE, "connection " + context.channel().remoteAddress() + " failed", cause);
        phase = Phase.TERMINATED;
        context.close();
    }

    // ------------------------------------------------------------------ PDUs from the host

    @Override
    public void icReq(IcReq icReq) {
        reading = true;
        if (icReq.pfv() != 0) {
            decoder.reject(
                    Fes.UNSUPPORTED_PARAMETER, IcReq.PFV, "PDU format version " + icReq.pfv() + " (only 0 exists)");
            return;
        }
        if (icReq.hpda() > PduLayout.MAX_PDA) {
            decoder.reject(
                    Fes.UNSUPPORTED_PARAMETER, IcReq.HPDA, "HPDA " + icReq.hpda() + " is above " + PduLayout.MAX_PDA);
            return;
        }
        hpda = icReq.hpda();
        digests = new Pdu.Digests(icReq.headerDigest(), icReq.dataDigest());
        IcResp response = new IcResp(
                0, CPDA, digests.header(), digests.data(), target.limits().maxH2CData());
        ByteBuf out = ctx.alloc().directBuffer(IcResp.HLEN);
        response.encode(out, Pdu.Digests.NONE, 0, crc);
        write(out);
        decoder.negotiated(digests.header(), digests.data(), CPDA);
        phase = Phase.LIVE;
    }

    @Override
    public void capsuleCommand(ByteBuf buf, int pdu, int dataIndex, int dataLength, boolean dataDigestOk) {
        reading = true;
        if (queue.state() == QueuePair.State.CLOSED) return;
        Request request = queue.take();
        if (request == null) {
            decoder.reject(
                    Fes.PDU_SEQUENCE_ERROR,
                    0,
                    "the host has more commands outstanding than its queue holds (" + queue.size() + ")");
            return;
        }
        io.peregrine.nvmf.pdu.Bytes.read(buf, pdu + CapsuleCommand.SQE, request.sqe(), 0, CapsuleCommand.SQE_SIZE);
        int verdict = queue.admit(request, dataLength);
        if (verdict == QueuePair.IN_CAPSULE) {
            Copies.copy(buf, dataIndex, request.data().segment(), 0, dataLength);
            queue.dataReceived(request, dataDigestOk);
        } else if (verdict == QueuePair.HOST_DATA) {
            // one R2T for the whole transfer: the host splits it into MAXH2CDATA-sized H2CData PDUs
            ByteBuf out = ctx.alloc().directBuffer(R2T.HLEN + Crc32c.LENGTH);
            R2T.write(out, request.cid(), request.tag(), 0, request.transferLength(), digests.header(), crc);
            write(out);
        }
    }

    @Override
    public void h2cData(
            int cccid, int ttag, int datao, int datal, boolean last, ByteBuf buf, int dataIndex, boolean dataDigestOk) {
        reading = true;
        if (queue.state() == QueuePair.State.CLOSED) return;
        Request request = queue.request(ttag);
        if (request == null || request.state() != Request.State.RECEIVING_DATA || request.inCapsule()) {
            decoder.reject(
                    Fes.INVALID_PDU_HEADER_FIELD, H2CData.TTAG, "TTAG " + ttag + " names no transfer in progress");
            return;
        }
        if (request.cid() != cccid) {
            decoder.reject(
                    Fes.INVALID_PDU_HEADER_FIELD,
                    H2CData.CCCID,
                    "CCCID " + cccid + " does not match TTAG " + ttag + " (command " + request.cid() + ")");
            return;
        }
        if (datao != request.received()) {
            decoder.reject(
                    Fes.DATA_TRANSFER_OUT_OF_RANGE,
                    0,
                    "DATAO " + Integer.toUnsignedString(datao) + " where " + request.received() + " was expected");
            return;
        }
        if (datal > request.transferLength() - request.received()) {
            decoder.reject(
                    Fes.DATA_TRANSFER_OUT_OF_RANGE,
                    0,
                    "H2CData of " + datal + " bytes at " + datao + " overruns the " + request.transferLength()
                            + "-byte transfer");
            return;
        }
        boolean complete = request.received() + datal == request.transferLength();
        if (last != complete) {
            decoder.reject(
                    Fes.INVALID_PDU_HEADER_FIELD,
                    1,
                    complete
                            ? "the last H2CData PDU of a transfer must set LAST_PDU"
                            : "LAST_PDU set before the transfer is complete");
            return;
        }
        Copies.copy(buf, dataIndex, request.data().segment(), datao, datal);
        request.received(datal);
        if (!dataDigestOk) request.transportState(request.transportState() | DIGEST_FAILED);
        if (complete) queue.dataReceived(request, (request.transportState() & DIGEST_FAILED) == 0);
    }

    @Override
    public void termReq(TermReq termReq) {
        reading = true;
        LOG.log(Level.INFO, "host {0} terminated the connection: {1}", new Object[] {remoteAddress(), termReq});
        phase = Phase.TERMINATED;
        ctx.close();
    }

    @Override
    public void protocolFault(PduFault fault) {
        reading = true;
        LOG.log(Level.INFO, "protocol error from {0}: {1}; sending C2HTermReq", new Object[] {remoteAddress(), fault});
        phase = Phase.TERMINATED;
        ByteBuf out = ctx.alloc().directBuffer(TermReq.MAX_PLEN);
        TermReq.fromController(fault).encode(out, Pdu.Digests.NONE, 0, crc);
        // TCP Transport 1.1: after a TermReq the sender closes the connection
        ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    }

    // ------------------------------------------------------------------ TransportOps

    @Override
    public EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    @Override
    public void respond(Request request) {
        int length = request.transferLength();
        boolean withData = request.direction() == Request.CONTROLLER_TO_HOST
                && request.status() == 0
                && length > 0
                && request.data() != null;
        if (!withData) {
            ByteBuf out = ctx.alloc().directBuffer(CapsuleResponse.HLEN + Crc32c.LENGTH);
            CapsuleResponse.write(out, request.cqe(), digests.header(), crc);
            queue.release(request);
            write(out);
            return;
        }
        // TCP Transport 1.1: with SQ flow control disabled the last C2HData may carry SUCCESS
        // and stand in for the CapsuleResp
        boolean success = queue.sqFlowControlDisabled();
        IoBuffer data = request.takeData();
        data.setIndex(0, length);
        ByteBuf header = ctx.alloc().directBuffer(128 + Crc32c.LENGTH);
        C2HData.writeHeader(header, request.cid(), 0, length, true, success, digests, hpda, crc);
        ByteBuf trailer = null;
        if (digests.data() || !success) {
            trailer = ctx.alloc().directBuffer(Crc32c.LENGTH + CapsuleResponse.HLEN + Crc32c.LENGTH);
            if (digests.data()) trailer.writeIntLE(crc.digest(data, 0, length));
            if (!success) CapsuleResponse.write(trailer, request.cqe(), digests.header(), crc);
        }
        queue.release(request);
        ctx.write(header, ctx.voidPromise());
        ctx.write(data, ctx.voidPromise());
        if (trailer != null) ctx.write(trailer, ctx.voidPromise());
        written();
    }

    @Override
    public void close(String reason) {
        LOG.log(Level.FINE, "closing connection {0}: {1}", new Object[] {remoteAddress(), reason});
        // flush what is queued (a Disconnect's response, say) before the close
        ctx.channel().writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public SocketAddress localAddress() {
        return ctx.channel().localAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
        return ctx.channel().remoteAddress();
    }

    // ------------------------------------------------------------------ writing

    private void write(ByteBuf out) {
        ctx.write(out, ctx.voidPromise());
        written();
    }

    /** Something was written: flush it at the end of this read, or soon when not reading. */
    private void written() {
        if (reading) {
            unflushed = true;
        } else if (!flushScheduled) {
            flushScheduled = true;
            ctx.channel().eventLoop().execute(flushTask);
        }
    }

    private void flushNow() {
        flushScheduled = false;
        unflushed = false;
        ctx.flush();
    }
}
