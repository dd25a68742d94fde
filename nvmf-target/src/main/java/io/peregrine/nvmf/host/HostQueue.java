package io.peregrine.nvmf.host;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.peregrine.nvme.spec.AdminOpcode;
import io.peregrine.nvme.spec.Commands;
import io.peregrine.nvme.spec.Cqe;
import io.peregrine.nvme.spec.NvmOpcode;
import io.peregrine.nvme.spec.Sqe;
import io.peregrine.nvme.spec.StatusCode;
import io.peregrine.nvmf.buffer.Copies;
import io.peregrine.nvmf.core.TargetLimits;
import io.peregrine.nvmf.fabrics.spec.SglDescriptor;
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
import io.peregrine.nvmf.pdu.PduFlags;
import io.peregrine.nvmf.pdu.PduLayout;
import io.peregrine.nvmf.pdu.PduSink;
import io.peregrine.nvmf.pdu.TermReq;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The host side of one NVMe/TCP connection, which carries one queue (admin or I/O): ICReq/ICResp,
 * command capsules with in-capsule data up to the capsule size, H2CData answering R2Ts, C2HData
 * into the caller's buffers and the completions. The I/O path ({@link #acquire}, {@link #submit},
 * the {@link #read}/{@link #write} helpers) runs on the queue's event loop and allocates nothing;
 * {@link #execute} is the control path, callable from any thread.
 *
 * <p>A queue never leaves a command hanging. When the connection goes -- the controller closes or
 * resets it, sends a TermReq, breaks the protocol, or the host closes it -- every outstanding
 * command completes with Host Pathing Error and {@link #closeReason()} says why. A command
 * outstanding longer than {@link HostOptions#commandTimeout()} cannot be aborted alone on a fabric
 * (the controller may still send its data), so, like the Linux host, the queue then fails the whole
 * connection: that command completes with Command Aborted By Host, the others as above.
 */
public final class HostQueue extends ChannelInboundHandlerAdapter implements PduSink.Host {
    private static final Logger LOG = Logger.getLogger(HostQueue.class.getName());
    /** CDW0 flags byte: PSDT = 01b, SGLs for data (every fabrics command). */
    private static final int PSDT_SGL = 0x40;

    /** Where the connection is. */
    public enum Phase {
        CONNECTING,
        /** ICReq sent, ICResp awaited. */
        INITIALIZING,
        LIVE,
        CLOSED
    }

    private final int qid;
    private final HostOptions options;
    private final HostCommand[] commands;
    private final int[] free;
    private final PduDecoder decoder;
    private final Crc32c crc = new Crc32c();
    private final CompletableFuture<Void> initialized = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final Runnable flushTask = this::flushNow;

    private final int limit;
    private int freeCount;
    private int busy;
    private int completing;
    private ChannelHandlerContext ctx;
    private EventLoop loop;
    private Phase phase = Phase.CONNECTING;
    private Pdu.Digests digests = Pdu.Digests.NONE;
    private int cpda;
    private int maxH2CData = IcResp.MIN_MAXH2CDATA;
    private int capsuleDataLimit;
    private boolean reading;
    private boolean unflushed;
    private boolean flushScheduled;
    private int outstanding;
    /** Why the connection ended (or is ending); null while it is usable. Written on the loop. */
    private volatile String closeReason;

    private final long commandTimeoutNanos;
    private final Runnable timeoutScan = this::scanTimeouts;
    private ScheduledFuture<?> timeoutTimer;

    HostQueue(int qid, HostOptions options, int entries, int maxTransfer) {
        this.qid = qid;
        this.options = options;
        // a queue of N entries holds at most N - 1 commands; one more slot object lets a
        // completion callback submit the next command before its own slot is given back
        this.limit = entries - 1;
        int slots = entries;
        this.commands = new HostCommand[slots];
        this.free = new int[slots];
        for (int i = slots - 1; i >= 0; i--) {
            commands[i] = new HostCommand(this, i);
            free[freeCount++] = i;
        }
        this.capsuleDataLimit = TargetLimits.ADMIN_CAPSULE_DATA;
        this.decoder = new PduDecoder(this, 0, maxTransfer);
        this.commandTimeoutNanos = options.commandTimeout().toNanos();
    }

    PduDecoder decoder() {
        return decoder;
    }

    CompletableFuture<Void> initialized() {
        return initialized;
    }

    /** Completes when the connection is gone. */
    public CompletableFuture<Void> closeFuture() {
        return closed;
    }

    public int qid() {
        return qid;
    }

    public EventLoop eventLoop() {
        return loop;
    }

    public Phase phase() {
        return phase;
    }

    /** Commands submitted and not yet completed. */
    public int outstanding() {
        return outstanding;
    }

    /** Most commands this queue holds at once. */
    public int depth() {
        return limit;
    }

    /** Why the connection ended, or null while it is open. */
    public String closeReason() {
        return closeReason;
    }

    public Pdu.Digests digests() {
        return digests;
    }

    public ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    /** The in-capsule data limit for writes (IOCCSZ on I/O queues). */
    void capsuleDataLimit(int bytes) {
        this.capsuleDataLimit = bytes;
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
        this.loop = context.channel().eventLoop();
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        phase = Phase.INITIALIZING;
        ByteBuf out = context.alloc().directBuffer(IcReq.HLEN);
        // MAXR2T 0 (one R2T outstanding per command), HPDA 0 (no alignment needed)
        new IcReq(0, 0, options.headerDigest(), options.dataDigest(), 0).encode(out, Pdu.Digests.NONE, 0, crc);
        context.writeAndFlush(out, context.voidPromise());
        if (commandTimeoutNanos > 0) {
            // one timer per queue, not one per command: a scan every quarter of the timeout (at
            // most every second) finds a late command at most that much late, and allocates nothing
            long period =
                    Math.clamp(commandTimeoutNanos / 4, TimeUnit.MILLISECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(1));
            timeoutTimer = loop.scheduleAtFixedRate(timeoutScan, period, period, TimeUnit.NANOSECONDS);
        }
        context.fireChannelActive();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        reading = false;
        if (unflushed) flushNow();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        phase = Phase.CLOSED;
        if (closeReason == null) closeReason = "the controller closed the connection";
        if (timeoutTimer != null) timeoutTimer.cancel(false);
        initialized.completeExceptionally(new NvmeException("queue " + qid + ": " + closeReason, -1));
        failOutstanding();
        closed.complete(null);
        context.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        LOG.log(Level.FINE, "queue " + qid + " failed", cause);
        String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        // the native transports prefix the errno text with the call that failed: keep the text
        fail(message.replaceFirst("^\\w+\\(\\.\\.\\) failed(?: with error\\(-?\\d+\\))?: ", ""));
    }

    /** Closes the connection (any thread); outstanding commands fail with Host Pathing Error. */
    public void close() {
        fail("closed by the host");
    }

    /**
     * Ends the connection because of {@code reason} (any thread): no command is accepted from now
     * on and every outstanding one fails once the channel is closed. The first reason sticks.
     */
    void fail(String reason) {
        if (ctx == null) return;
        if (!loop.inEventLoop()) {
            try {
                loop.execute(() -> fail(reason));
            } catch (RejectedExecutionException e) {
                ctx.channel().close();
            }
            return;
        }
        if (closeReason == null) closeReason = reason;
        // refuse new commands at once: a completion callback must not submit onto a closing channel
        phase = Phase.CLOSED;
        ctx.channel().close();
    }

    private void failOutstanding() {
        for (HostCommand command : commands) {
            if (command.state == HostCommand.State.SENT) {
                // a status set here already is the timed-out command's Command Aborted By Host
                if (command.status == 0) command.status = StatusCode.HOST_PATHING_ERROR.field();
                complete(command);
            }
        }
    }

    /** An Asynchronous Event Request is answered only when an event happens: it has no timeout. */
    private boolean waitsByDesign(HostCommand command) {
        return qid == 0 && Sqe.opcode(command.sqe(), 0) == AdminOpcode.ASYNC_EVENT_REQUEST.value();
    }

    /** On the loop, every timeout period: fails the connection if a command is overdue. */
    private void scanTimeouts() {
        if (outstanding == 0 || phase == Phase.CLOSED) return;
        long now = System.nanoTime();
        HostCommand late = null;
        for (HostCommand command : commands) {
            if (command.state == HostCommand.State.SENT
                    && now - command.submittedNanos > commandTimeoutNanos
                    && !waitsByDesign(command)) {
                command.status = StatusCode.ABORTED_BY_HOST.field();
                if (late == null) late = command;
            }
        }
        if (late == null) return;
        fail("command " + late.cid() + " (opcode 0x" + Integer.toHexString(Sqe.opcode(late.sqe(), 0)) + ") on queue "
                + qid + " got no answer within " + TimeUnit.NANOSECONDS.toMillis(commandTimeoutNanos) + " ms");
    }

    // ------------------------------------------------------------------ I/O path

    /** A free command slot, or {@code null} when the queue is full. On the event loop. */
    public HostCommand acquire() {
        if (freeCount == 0 || busy - completing >= limit || phase != Phase.LIVE) return null;
        busy++;
        HostCommand command = commands[free[--freeCount]];
        Sqe.clear(command.sqe(), 0);
        command.noData();
        return command;
    }

    /** Gives back a command acquired and not submitted. */
    public void release(HostCommand command) {
        command.reset();
        free[freeCount++] = command.cid();
        busy--;
    }

    /** Fills {@code command} as a Read of {@code blocks} blocks at {@code slba} into {@code buffer} (may be null). */
    public HostCommand read(
            HostCommand command, int nsid, long slba, int blocks, ByteBuf buffer, int index, int bytes) {
        MemorySegment sqe = command.sqe();
        Sqe.opcode(sqe, 0, NvmOpcode.OPC_READ);
        Sqe.nsid(sqe, 0, nsid);
        Sqe.slba(sqe, 0, slba);
        Sqe.cdw12(sqe, 0, blocks - 1);
        return command.dataIn(buffer, index, bytes);
    }

    /** Fills {@code command} as a Write of {@code blocks} blocks at {@code slba} from {@code buffer}. */
    public HostCommand write(
            HostCommand command, int nsid, long slba, int blocks, ByteBuf buffer, int index, int bytes) {
        MemorySegment sqe = command.sqe();
        Sqe.opcode(sqe, 0, NvmOpcode.OPC_WRITE);
        Sqe.nsid(sqe, 0, nsid);
        Sqe.slba(sqe, 0, slba);
        Sqe.cdw12(sqe, 0, blocks - 1);
        return command.dataOut(buffer, index, bytes);
    }

    public HostCommand flush(HostCommand command, int nsid) {
        Sqe.opcode(command.sqe(), 0, NvmOpcode.OPC_FLUSH);
        Sqe.nsid(command.sqe(), 0, nsid);
        return command.noData();
    }

    public HostCommand writeZeroes(HostCommand command, int nsid, long slba, int blocks, boolean deallocate) {
        MemorySegment sqe = command.sqe();
        Sqe.opcode(sqe, 0, NvmOpcode.OPC_WRITE_ZEROES);
        Sqe.nsid(sqe, 0, nsid);
        Sqe.slba(sqe, 0, slba);
        Sqe.cdw12(sqe, 0, (blocks - 1) | (deallocate ? Commands.CDW12_DEAC : 0));
        return command.noData();
    }

    /** Dataset Management with the deallocate attribute over {@code ranges} ranges in {@code list}. */
    public HostCommand deallocate(HostCommand command, int nsid, int ranges, ByteBuf list) {
        MemorySegment sqe = command.sqe();
        Sqe.opcode(sqe, 0, NvmOpcode.OPC_DATASET_MANAGEMENT);
        Sqe.nsid(sqe, 0, nsid);
        Sqe.cdw10(sqe, 0, Commands.dsmCdw10(ranges));
        Sqe.cdw11(sqe, 0, Commands.DSM_ATTRIBUTE_DEALLOCATE);
        return command.dataOut(list, list.readerIndex(), ranges * 16);
    }

    /**
     * Sends {@code command}. Write data up to the capsule size goes in the capsule; larger writes
     * wait for the controller's R2T. On the event loop.
     */
    public void submit(HostCommand command) {
        MemorySegment sqe = command.sqe();
        Sqe.cid(sqe, 0, command.cid());
        Sqe.flags(sqe, 0, PSDT_SGL);
        long sgl = SglDescriptor.IN_SQE;
        SglDescriptor.ADDRESS.set(sqe, sgl, 0L);
        SglDescriptor.LENGTH.set(sqe, sgl, command.length);
        boolean inCapsule = command.direction == HostCommand.TO_CONTROLLER
                && command.length > 0
                && command.length <= capsuleDataLimit;
        SglDescriptor.IDENTIFIER.set(
                sqe, sgl, inCapsule ? SglDescriptor.DATA_BLOCK_OFFSET : SglDescriptor.TRANSPORT_DATA_BLOCK);
        command.inCapsule = inCapsule;
        command.state = HostCommand.State.SENT;
        command.received = 0;
        command.submittedNanos = System.nanoTime();
        outstanding++;

        int dataLength = inCapsule ? command.length : 0;
        ByteBuf header = ctx.alloc().directBuffer(CapsuleCommand.HLEN + 2 * Crc32c.LENGTH + 128);
        CapsuleCommand.writeHeader(header, sqe, dataLength, digests, cpda, crc);
        if (!inCapsule) {
            write(header);
            return;
        }
        ctx.write(header, ctx.voidPromise());
        sendData(command, command.dataIndex, command.length);
    }

    /**
     * Sends {@code length} bytes of the command's data: a retained slice, so the caller's buffer is
     * not copied (a pooled buffer's slices are recycled: no allocation either).
     */
    private void sendData(HostCommand command, int index, int length) {
        ctx.write(command.data.retainedSlice(index, length), ctx.voidPromise());
        if (digests.data()) {
            ByteBuf digest = ctx.alloc().directBuffer(Crc32c.LENGTH);
            digest.writeIntLE(crc.digest(command.data, index, length));
            ctx.write(digest, ctx.voidPromise());
        }
        written();
    }

    // ------------------------------------------------------------------ PDUs from the controller

    @Override
    public void icResp(IcResp icResp) {
        reading = true;
        if (icResp.pfv() != 0) {
            decoder.reject(Fes.UNSUPPORTED_PARAMETER, IcResp.PFV, "PDU format version " + icResp.pfv());
            return;
        }
        if (icResp.cpda() > PduLayout.MAX_PDA) {
            decoder.reject(Fes.INVALID_PDU_HEADER_FIELD, IcResp.CPDA, "CPDA " + icResp.cpda() + " is above 31");
            return;
        }
        if (Integer.toUnsignedLong(icResp.maxh2cdata()) < IcResp.MIN_MAXH2CDATA) {
            decoder.reject(
                    Fes.INVALID_PDU_HEADER_FIELD,
                    IcResp.MAXH2CDATA,
                    "MAXH2CDATA " + icResp.maxh2cdata() + " is below 4096");
            return;
        }
        if (icResp.headerDigest() != options.headerDigest() || icResp.dataDigest() != options.dataDigest()) {
            decoder.reject(
                    Fes.INVALID_PDU_HEADER_FIELD,
                    IcResp.DGST,
                    "the controller answered digests "
                            + icResp.headerDigest() + "/" + icResp.dataDigest() + " to a request for "
                            + options.headerDigest() + "/" + options.dataDigest());
            return;
        }
        digests = new Pdu.Digests(icResp.headerDigest(), icResp.dataDigest());
        cpda = icResp.cpda();
        maxH2CData = (int) Math.min(Integer.MAX_VALUE, Integer.toUnsignedLong(icResp.maxh2cdata()));
        decoder.negotiated(digests.header(), digests.data(), 0);
        phase = Phase.LIVE;
        initialized.complete(null);
    }

    @Override
    public void capsuleResponse(ByteBuf buf, int cqeIndex) {
        reading = true;
        int cid = buf.getUnsignedShortLE(cqeIndex + (int) Cqe.DW3_OFFSET);
        HostCommand command = sent(cid);
        if (command == null) {
            decoder.reject(
                    Fes.INVALID_PDU_HEADER_FIELD,
                    CapsuleResponse.CQE + (int) Cqe.DW3_OFFSET,
                    "CID " + cid + " of a CapsuleResp names no command in flight");
            return;
        }
        int status = buf.getUnsignedShortLE(cqeIndex + (int) Cqe.DW3_OFFSET + 2) >>> 1;
        command.dw0 = buf.getIntLE(cqeIndex);
        command.dw1 = buf.getIntLE(cqeIndex + 4);
        if (status == 0 && command.digestError) status = StatusCode.TRANSIENT_TRANSPORT_ERROR.field();
        if (status == 0 && command.direction == HostCommand.FROM_CONTROLLER && command.received != command.length) {
            status = StatusCode.DATA_TRANSFER_ERROR.field();
        }
        command.status = status;
        complete(command);
    }

    @Override
    public void c2hData(int cccid, int datao, int datal, int flags, ByteBuf buf, int dataIndex, boolean dataDigestOk) {
        reading = true;
        HostCommand command = sent(cccid);
        if (command == null || command.direction != HostCommand.FROM_CONTROLLER) {
            decoder.reject(
                    Fes.INVALID_PDU_HEADER_FIELD,
                    io.peregrine.nvmf.pdu.C2HData.CCCID,
                    "C2HData for CID " + cccid + ", which expects no data");
            return;
        }
        if (datao != command.received || datal > command.length - command.received) {
            decoder.reject(
                    Fes.DATA_TRANSFER_OUT_OF_RANGE,
                    0,
                    "C2HData " + datao + "+" + datal + " outside the " + command.length + "-byte transfer (at "
                            + command.received + ")");
            return;
        }
        if (command.data != null) Copies.copy(buf, dataIndex, command.data, command.dataIndex + datao, datal);
        command.received += datal;
        if (!dataDigestOk) command.digestError = true;
        if ((flags & PduFlags.SUCCESS) != 0) {
            if ((flags & PduFlags.LAST_PDU) == 0 || command.received != command.length) {
                decoder.reject(Fes.INVALID_PDU_HEADER_FIELD, 1, "SUCCESS set on a C2HData that is not the last");
                return;
            }
            // the command completed successfully: no CapsuleResp follows
            command.status = command.digestError ? StatusCode.TRANSIENT_TRANSPORT_ERROR.field() : 0;
            command.dw0 = 0;
            command.dw1 = 0;
            complete(command);
        }
    }

    @Override
    public void r2t(int cccid, int ttag, int r2to, int r2tl) {
        reading = true;
        HostCommand command = sent(cccid);
        if (command == null || command.direction != HostCommand.TO_CONTROLLER || command.inCapsule) {
            decoder.reject(
                    Fes.INVALID_PDU_HEADER_FIELD,
                    io.peregrine.nvmf.pdu.R2T.CCCID,
                    "R2T for CID " + cccid + ", which has no data to send");
            return;
        }
        if (r2to != command.received || r2tl <= 0 || r2tl > command.length - command.received) {
            decoder.reject(
                    Fes.DATA_TRANSFER_OUT_OF_RANGE,
                    0,
                    "R2T " + r2to + "+" + r2tl + " outside the " + command.length + "-byte transfer (at "
                            + command.received + ")");
            return;
        }
        int end = r2to + r2tl;
        for (int offset = r2to; offset < end; ) {
            int chunk = Math.min(maxH2CData, end - offset);
            ByteBuf header = ctx.alloc().directBuffer(H2CData.HLEN + Crc32c.LENGTH + 128);
            H2CData.writeHeader(header, cccid, ttag, offset, chunk, offset + chunk == end, digests, cpda, crc);
            ctx.write(header, ctx.voidPromise());
            sendData(command, command.dataIndex + offset, chunk);
            offset += chunk;
        }
        command.received = end;
    }

    @Override
    public void termReq(TermReq termReq) {
        reading = true;
        LOG.log(Level.WARNING, "controller terminated queue {0}: {1}", new Object[] {qid, termReq});
        fail("the controller sent " + termReq);
    }

    @Override
    public void protocolFault(PduFault fault) {
        reading = true;
        LOG.log(Level.WARNING, "protocol error on queue {0}: {1}", new Object[] {qid, fault});
        if (closeReason == null) closeReason = "protocol error: " + fault.reason();
        phase = Phase.CLOSED;
        ByteBuf out = ctx.alloc().directBuffer(TermReq.MAX_PLEN);
        TermReq.fromHost(fault).encode(out, Pdu.Digests.NONE, 0, crc);
        ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    }

    private HostCommand sent(int cid) {
        if (cid >= commands.length) return null;
        HostCommand command = commands[cid];
        return command.state == HostCommand.State.SENT ? command : null;
    }

    private void complete(HostCommand command) {
        command.state = HostCommand.State.DONE;
        outstanding--;
        HostCommand.Callback callback = command.callback;
        completing++;
        try {
            if (callback != null) callback.completed(command);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "a completion callback failed on queue " + qid, e);
        } finally {
            completing--;
            release(command);
        }
    }

    // ------------------------------------------------------------------ control path

    /**
     * Sends one command built by {@code sqe} (CID and data pointer are filled in), with {@code
     * out} as its data (may be null), or receiving {@code inLength} bytes. From any thread.
     */
    public CompletableFuture<HostCompletion> execute(Consumer<MemorySegment> sqe, ByteBuf out, int inLength) {
        CompletableFuture<HostCompletion> result = new CompletableFuture<>();
        Runnable send = () -> {
            HostCommand command = phase == Phase.LIVE ? acquire() : null;
            if (command == null) {
                if (out != null) out.release();
                result.completeExceptionally(new NvmeException(
                        phase == Phase.LIVE
                                ? "queue " + qid + " is full"
                                : "queue " + qid + " is " + phase + (closeReason != null ? ": " + closeReason : ""),
                        -1));
                return;
            }
            sqe.accept(command.sqe());
            ByteBuf in = inLength > 0 ? ctx.alloc().heapBuffer(inLength) : null;
            if (out != null) {
                command.dataOut(out, out.readerIndex(), out.readableBytes());
            } else if (in != null) {
                command.dataIn(in, 0, inLength);
            }
            command.callback(
                    done -> {
                        byte[] data = new byte[0];
                        if (in != null) {
                            data = new byte[inLength];
                            in.getBytes(0, data);
                            in.release();
                        }
                        if (out != null) out.release();
                        result.complete(new HostCompletion(done.status(), done.dw0(), done.dw1(), data));
                    },
                    null);
            submit(command);
        };
        if (loop.inEventLoop()) send.run();
        else loop.execute(send);
        return result;
    }

    // ------------------------------------------------------------------ writing

    private void write(ByteBuf out) {
        ctx.write(out, ctx.voidPromise());
        written();
    }

    private void written() {
        if (reading) {
            unflushed = true;
        } else if (!flushScheduled) {
            flushScheduled = true;
            loop.execute(flushTask);
        }
    }

    private void flushNow() {
        flushScheduled = false;
        unflushed = false;
        ctx.flush();
    }

    @Override
    public String toString() {
        return "HostQueue[qid=" + qid + ", " + phase + ", outstanding=" + outstanding + "]";
    }
}
