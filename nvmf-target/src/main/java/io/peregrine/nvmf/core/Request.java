package io.peregrine.nvmf.core;

import io.peregrine.nvme.spec.Cqe;
import io.peregrine.nvme.spec.Sqe;
import io.peregrine.nvme.spec.Status;
import io.peregrine.nvme.spec.StatusCode;
import io.peregrine.nvmf.buffer.IoBuffer;
import io.peregrine.nvmf.namespace.NamespaceIo;
import java.lang.foreign.MemorySegment;

/**
 * One command slot of a queue, reused for every command that lands in it (Linux nvmet's {@code
 * nvmet_req}); the transport tags data PDUs with its {@link #tag()}. Confined to the queue's event
 * loop except for {@link #completeFromAnyThread}, which hops back to it.
 *
 * <pre>
 *            admit()                      execute()                complete()
 *   FREE ──────────────▶ RECEIVING_DATA ─────────────▶ EXECUTING ─────────────▶ RESPONDING ──▶ FREE
 *     │  (no host data)        │  (host data arrived)      │   (status, DW0/DW1)        ▲  release()
 *     └────────────────────────┼──────────────────────────▶│                            │
 *     │  parse failed          │ digest error / abort      │                            │
 *     └────────────────────────┴───────────────────────────┴────────────────────────────┘
 * </pre>
 */
public final class Request implements NamespaceIo.Completion, Runnable {

    /** Where a request is in its life. */
    public enum State {
        FREE,
        /** Admitted; waiting for host-to-controller data (in the capsule or through R2T). */
        RECEIVING_DATA,
        /** Its handler runs, or a namespace holds it. */
        EXECUTING,
        /** Completed; the transport is sending its response. */
        RESPONDING
    }

    /** Data transfer direction, as in bits 1:0 of the opcode. */
    public static final int NO_DATA = 0;

    public static final int HOST_TO_CONTROLLER = 1;
    public static final int CONTROLLER_TO_HOST = 2;

    private final QueuePair queue;
    private final int tag;
    private final MemorySegment sqe = MemorySegment.ofArray(new byte[(int) Sqe.SIZE]);
    private final MemorySegment cqe = MemorySegment.ofArray(new byte[(int) Cqe.SIZE]);
    private final NamespaceIo io = new NamespaceIo(this, this);

    private State state = State.FREE;
    private CommandHandler handler;
    private int direction;
    private int transferLength;
    private boolean inCapsule;
    private IoBuffer data;
    private int received;
    private int errorLocation;
    private Object context;
    private int pendingStatus;
    private int transportState;
    private int dw0;
    private int dw1;
    private int status;

    Request(QueuePair queue, int tag) {
        this.queue = queue;
        this.tag = tag;
    }

    public QueuePair queue() {
        return queue;
    }

    /** Index of this slot in its queue: the transfer tag of its R2Ts. */
    public int tag() {
        return tag;
    }

    public State state() {
        return state;
    }

    /** The 64-byte submission queue entry, read with {@link Sqe}'s accessors at base 0. */
    public MemorySegment sqe() {
        return sqe;
    }

    /** The 16-byte completion queue entry the transport sends. */
    public MemorySegment cqe() {
        return cqe;
    }

    public int cid() {
        return Sqe.cid(sqe, 0);
    }

    public int opcode() {
        return Sqe.opcode(sqe, 0);
    }

    /** The namespace request this slot reuses for every I/O. */
    public NamespaceIo io() {
        return io;
    }

    // ---------------------------------------------------------------- parse-time setup

    /** Sets the handler that executes this command. */
    public void handler(CommandHandler handler) {
        this.handler = handler;
    }

    /**
     * Checks the transfer the SGL describes against what the command moves: {@code length} bytes
     * in {@code direction}. Returns 0 or an NVMe status (with the error location set).
     */
    public int expectTransfer(int direction, int length) {
        if (direction != this.direction && (transferLength != 0 || length != 0)) {
            errorAt((int) Sqe.DPTR_OFFSET);
            return StatusCode.INVALID_FIELD.fieldDnr();
        }
        if (length != transferLength) {
            errorAt((int) Sqe.DPTR_OFFSET);
            return StatusCode.DATA_SGL_LENGTH_INVALID.fieldDnr();
        }
        return 0;
    }

    /** Like {@link #expectTransfer} but accepts an SGL of up to {@code maxLength} bytes. */
    public int expectTransferAtMost(int direction, int maxLength) {
        if (transferLength == 0) return 0;
        if (direction != this.direction) {
            errorAt((int) Sqe.DPTR_OFFSET);
            return StatusCode.INVALID_FIELD.fieldDnr();
        }
        if (transferLength > maxLength) {
            errorAt((int) Sqe.DPTR_OFFSET);
            return StatusCode.DATA_SGL_LENGTH_INVALID.fieldDnr();
        }
        return 0;
    }

    /** Records the SQE byte that made the command fail, for the Error Information log (PEL). */
    public void errorAt(int sqeByte) {
        this.errorLocation = sqeByte;
    }

    /** Command-specific state a handler keeps across an asynchronous step (the namespace, say). */
    public void context(Object context) {
        this.context = context;
    }

    public Object context() {
        return context;
    }

    void admitted(int direction, int transferLength, boolean inCapsule) {
        this.state = State.RECEIVING_DATA;
        this.direction = direction;
        this.transferLength = transferLength;
        this.inCapsule = inCapsule;
        this.received = 0;
        this.transportState = 0;
        this.errorLocation = 0xFFFF;
        this.handler = null;
        this.context = null;
        this.dw0 = 0;
        this.dw1 = 0;
        this.status = 0;
    }

    // ---------------------------------------------------------------- data

    public int direction() {
        return direction;
    }

    /** Bytes the command's SGL describes. */
    public int transferLength() {
        return transferLength;
    }

    /** Whether the host sends the data inside the command capsule. */
    public boolean inCapsule() {
        return inCapsule;
    }

    /** The data buffer, or {@code null} when the command moves no data. */
    public IoBuffer data() {
        return data;
    }

    void data(IoBuffer data) {
        this.data = data;
    }

    /** Hands the data buffer over (to the socket): the request no longer releases it. */
    public IoBuffer takeData() {
        IoBuffer taken = data;
        data = null;
        return taken;
    }

    /** Host data bytes received so far. */
    public int received() {
        return received;
    }

    public void received(int bytes) {
        received += bytes;
    }

    /** Scratch state the transport keeps per request (R2T progress, a data digest error...). */
    public int transportState() {
        return transportState;
    }

    public void transportState(int value) {
        transportState = value;
    }

    // ---------------------------------------------------------------- completion

    /** Sets completion dwords 0 and 1 (command specific). */
    public void result(int dw0, int dw1) {
        this.dw0 = dw0;
        this.dw1 = dw1;
    }

    public void result(int dw0) {
        result(dw0, 0);
    }

    public int dw0() {
        return dw0;
    }

    /** The status the request completed with. */
    public int status() {
        return status;
    }

    /** Completes this request with {@code statusField} (0 = success). On the queue's loop only. */
    public void complete(int statusField) {
        if (state != State.EXECUTING && state != State.RECEIVING_DATA) {
            throw new IllegalStateException("request " + tag + " completed twice (state " + state + ")");
        }
        state = State.RESPONDING;
        status = statusField;
        Cqe.dw0(cqe, 0, dw0);
        Cqe.dw1(cqe, 0, dw1);
        Cqe.sqhd(cqe, 0, queue.sqHeadForCompletion());
        Cqe.sqid(cqe, 0, Math.max(queue.qid(), 0));
        Cqe.cid(cqe, 0, cid());
        Cqe.statusAndPhase(cqe, 0, (statusField & 0x7fff) << 1);
        queue.completed(this);
    }

    /** Completes with {@code statusField} and dword 0, from any thread (AERs, namespace events). */
    public void completeFromAnyThread(int statusField, int resultDw0) {
        this.pendingStatus = statusField;
        this.dw0 = resultDw0;
        if (queue.eventLoop().inEventLoop()) {
            run();
        } else {
            queue.eventLoop().execute(this);
        }
    }

    /** Namespace completion: may arrive on any thread; the rest happens on the queue's loop. */
    @Override
    public void completed(NamespaceIo completedIo, int statusField) {
        pendingStatus = statusField;
        if (queue.eventLoop().inEventLoop()) {
            run();
        } else {
            queue.eventLoop().execute(this);
        }
    }

    @Override
    public void run() {
        queue.asyncCompleted(this, pendingStatus);
    }

    void execute() {
        state = State.EXECUTING;
        handler.execute(this);
    }

    int errorLocation() {
        return errorLocation;
    }

    void free() {
        state = State.FREE;
        context = null;
        handler = null;
        IoBuffer held = data;
        data = null;
        if (held != null) held.release();
    }

    @Override
    public String toString() {
        return "Request[qid=" + queue.qid() + ", tag=" + tag + ", cid=" + cid() + ", opcode=0x"
                + Integer.toHexString(opcode()) + ", " + state + (status != 0 ? ", " + Status.describe(status) : "")
                + "]";
    }
}
