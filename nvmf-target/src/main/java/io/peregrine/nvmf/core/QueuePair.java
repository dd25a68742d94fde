package io.peregrine.nvmf.core;

import io.netty.channel.EventLoop;
import io.peregrine.nvme.spec.NvmOpcode;
import io.peregrine.nvme.spec.Sqe;
import io.peregrine.nvme.spec.StatusCode;
import io.peregrine.nvmf.buffer.IoBufferPool;
import io.peregrine.nvmf.fabrics.spec.FabricsCommand;
import io.peregrine.nvmf.fabrics.spec.SglDescriptor;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One NVMe queue pair of a fabrics connection (an SQ and its CQ; Linux nvmet's {@code nvmet_sq}):
 * its command slots, its SQ head, its place in a controller, and the admission of every command
 * that arrives on it. Transport-neutral: a {@link TransportOps} moves the bytes. Confined to the
 * connection's event loop.
 *
 * <pre>
 *   CONNECTING ── Connect succeeds ──▶ LIVE ── connection closes / controller fails ──▶ CLOSED
 *       │ (only Connect is accepted)                                                      ▲
 *       └──────────────────────────── connection closes ──────────────────────────────────┘
 * </pre>
 */
public final class QueuePair {
    private static final Logger LOG = Logger.getLogger(QueuePair.class.getName());

    /** Where a queue is in its life. */
    public enum State {
        CONNECTING,
        LIVE,
        CLOSED
    }

    /** {@link #admit} verdicts: the command was dealt with (executed, or failed and answered). */
    public static final int DONE = 0;
    /** The transport copies the in-capsule data into the request's buffer, then calls {@link #dataReceived}. */
    public static final int IN_CAPSULE = 1;
    /** The transport fetches the data with R2T ({@link TransportOps#requestData}). */
    public static final int HOST_DATA = 2;

    /** Marks a request a handler parked (an AER): released, not completed, when the queue closes. */
    public static final Object PARKED = new Object();

    private final Target target;
    private final TransportOps transport;
    private final EventLoop loop;
    private final IoBufferPool buffers;

    final Counter readCommands = new Counter();
    final Counter writeCommands = new Counter();
    final Counter bytesRead = new Counter();
    final Counter bytesWritten = new Counter();

    private State state = State.CONNECTING;
    private Controller controller;
    private int qid = -1;
    private int sqsize = 1;
    private boolean sqFlowControlDisabled;
    private int sqHead;

    private Request[] requests = new Request[1];
    private int[] freeTags = new int[1];
    private int freeCount;
    private int created;
    private int limit = 1;
    private int outstanding;
    private NamespaceChannelRef[] channels = new NamespaceChannelRef[0];

    public QueuePair(Target target, TransportOps transport, IoBufferPool buffers) {
        this.target = target;
        this.transport = transport;
        this.loop = transport.eventLoop();
        this.buffers = buffers;
    }

    public Target target() {
        return target;
    }

    public TransportOps transport() {
        return transport;
    }

    public EventLoop eventLoop() {
        return loop;
    }

    public IoBufferPool buffers() {
        return buffers;
    }

    public State state() {
        return state;
    }

    /** The controller this queue belongs to; {@code null} before Connect. */
    public Controller controller() {
        return controller;
    }

    /** QID: 0 for an admin queue, -1 before Connect. */
    public int qid() {
        return qid;
    }

    /** Queue entries (SQSIZE + 1). */
    public int size() {
        return sqsize;
    }

    public boolean sqFlowControlDisabled() {
        return sqFlowControlDisabled;
    }

    /** Commands admitted and not yet released. */
    public int outstanding() {
        return outstanding;
    }

    /** In-capsule data this queue accepts: 8 KiB on the admin queue (and before Connect), IOCCSZ otherwise. */
    public int capsuleDataLimit() {
        return qid > 0 ? target.limits().inCapsuleDataSize() : TargetLimits.ADMIN_CAPSULE_DATA;
    }

    /** Called by Connect: the queue now belongs to {@code owner} as {@code queueId}. */
    public void connected(Controller owner, int queueId, int entries, boolean disableSqFlowControl) {
        this.controller = owner;
        this.qid = queueId;
        this.sqsize = entries;
        this.sqFlowControlDisabled = disableSqFlowControl;
        this.sqHead = 1 % entries; // the Connect itself was consumed
        this.state = State.LIVE;
        // a host keeps at most SQSIZE commands outstanding; twice that tolerates hosts that
        // reuse a slot before its CapsuleResp left our socket buffer (Linux nvmet does the same)
        this.limit = Math.min(2 * entries, 65536);
    }

    // ------------------------------------------------------------------ slots

    /** A free command slot, or {@code null} when the host exceeded the queue depth. */
    public Request take() {
        Request request;
        if (freeCount > 0) {
            request = requests[freeTags[--freeCount]];
        } else if (created < limit) {
            if (created == requests.length) {
                int grown = Math.min(limit, Math.max(4, created * 2));
                requests = Arrays.copyOf(requests, grown);
                freeTags = Arrays.copyOf(freeTags, grown);
            }
            request = new Request(this, created);
            requests[created++] = request;
        } else {
            return null;
        }
        outstanding++;
        return request;
    }

    /** The slot with transfer tag {@code tag}, or {@code null}. */
    public Request request(int tag) {
        return tag >= 0 && tag < created ? requests[tag] : null;
    }

    /** Gives a slot back once its response is on its way (or it will never have one). */
    public void release(Request request) {
        request.free();
        freeTags[freeCount++] = request.tag();
        outstanding--;
    }

    // ------------------------------------------------------------------ admission

    /**
     * Admits the command whose SQE the transport copied into {@code request}, with {@code
     * inCapsuleLength} bytes of data in its capsule. Checks the SGL, parses the command and either
     * executes it, fails it (answering at once; in-capsule data is simply dropped, so framing is
     * kept), or asks the transport for its data. Returns {@link #DONE}, {@link #IN_CAPSULE} or
     * {@link #HOST_DATA}.
     */
    public int admit(Request request, int inCapsuleLength) {
        var sqe = request.sqe();
        if (!sqFlowControlDisabled && state == State.LIVE) sqHead = sqHead + 1 == sqsize ? 0 : sqHead + 1;
        int opcode = Sqe.opcode(sqe, 0);
        boolean fabrics = opcode == FabricsCommand.OPCODE;
        int direction = fabrics ? FabricsCommand.direction(FabricsCommand.FCTYPE.get(sqe)) : opcode & 0x3;
        int length = SglDescriptor.LENGTH.get(sqe, SglDescriptor.IN_SQE);
        int identifier = SglDescriptor.IDENTIFIER.get(sqe, SglDescriptor.IN_SQE);
        boolean inCapsule = length != 0 && identifier == SglDescriptor.DATA_BLOCK_OFFSET;
        request.admitted(direction, length, inCapsule);

        int status = checkDataPointer(request, sqe, direction, length, identifier, inCapsuleLength);
        if (status == 0) status = commandSet(opcode, fabrics).parse(request);
        if (status != 0) {
            request.complete(status);
            return DONE;
        }
        if (length > 0) request.data(buffers.take(length));
        if (direction == Request.HOST_TO_CONTROLLER && length > 0) {
            return inCapsule ? IN_CAPSULE : HOST_DATA;
        }
        execute(request);
        return DONE;
    }

    private int checkDataPointer(
            Request request,
            java.lang.foreign.MemorySegment sqe,
            int direction,
            int length,
            int identifier,
            int inCapsuleLength) {
        if (Sqe.fuse(sqe, 0) != Sqe.FUSE_NORMAL) {
            request.errorAt(1);
            return StatusCode.INVALID_FIELD.fieldDnr();
        }
        // fabrics carry data only through SGLs (NVMe Base 2.1: PSDT is 01b for Fabrics)
        if (Sqe.psdt(sqe, 0) != Sqe.PSDT_SGL_MPTR_CONTIGUOUS) {
            request.errorAt(1);
            return StatusCode.INVALID_FIELD.fieldDnr();
        }
        if (direction == 3) {
            request.errorAt(0);
            return StatusCode.INVALID_OPCODE.fieldDnr();
        }
        long sgl = SglDescriptor.IN_SQE;
        if (length == 0) {
            if (inCapsuleLength != 0) {
                request.errorAt((int) (sgl + SglDescriptor.LENGTH.offset()));
                return StatusCode.DATA_SGL_LENGTH_INVALID.fieldDnr();
            }
            return 0;
        }
        if (Integer.toUnsignedLong(length) > target.limits().maxTransferSize()) {
            request.errorAt((int) (sgl + SglDescriptor.LENGTH.offset()));
            return StatusCode.DATA_SGL_LENGTH_INVALID.fieldDnr();
        }
        switch (identifier) {
            case SglDescriptor.DATA_BLOCK_OFFSET -> {
                if (direction != Request.HOST_TO_CONTROLLER) {
                    request.errorAt((int) (sgl + SglDescriptor.IDENTIFIER.offset()));
                    return StatusCode.INVALID_FIELD.fieldDnr();
                }
                if (SglDescriptor.ADDRESS.get(sqe, sgl) != 0) {
                    request.errorAt((int) sgl);
                    return StatusCode.SGL_OFFSET_INVALID.fieldDnr();
                }
                if (length != inCapsuleLength || length > capsuleDataLimit()) {
                    request.errorAt((int) (sgl + SglDescriptor.LENGTH.offset()));
                    return StatusCode.DATA_SGL_LENGTH_INVALID.fieldDnr();
                }
            }
            case SglDescriptor.TRANSPORT_DATA_BLOCK -> {
                if (inCapsuleLength != 0) {
                    request.errorAt((int) (sgl + SglDescriptor.IDENTIFIER.offset()));
                    return StatusCode.SGL_DESCRIPTOR_TYPE_INVALID.fieldDnr();
                }
            }
            default -> {
                request.errorAt((int) (sgl + SglDescriptor.IDENTIFIER.offset()));
                return StatusCode.SGL_DESCRIPTOR_TYPE_INVALID.fieldDnr();
            }
        }
        return 0;
    }

    private CommandSet commandSet(int opcode, boolean fabrics) {
        CommandSets sets = target.commandSets();
        if (state == State.CONNECTING) return sets.connect();
        if (fabrics) return sets.fabrics();
        if (controller.discovery()) return sets.discoveryAdmin();
        return qid == 0 ? sets.admin() : sets.io();
    }

    /** The host data of an admitted request has arrived; {@code intact} is false on a digest error. */
    public void dataReceived(Request request, boolean intact) {
        if (!intact) {
            // TCP Transport 1.1: a data digest error fails the command, not the connection
            request.complete(StatusCode.TRANSIENT_TRANSPORT_ERROR.field());
            return;
        }
        execute(request);
    }

    private void execute(Request request) {
        try {
            request.execute();
        } catch (RuntimeException e) {
            // a handler bug must cost one command, not the connection or the event loop
            LOG.log(Level.SEVERE, "command failed unexpectedly: " + request, e);
            if (request.state() == Request.State.EXECUTING) request.complete(StatusCode.INTERNAL_ERROR.field());
        }
    }

    // ------------------------------------------------------------------ completion

    /** SQHD for a completion: the SQ head, or FFFFh once the host disabled SQ flow control. */
    int sqHeadForCompletion() {
        return sqFlowControlDisabled ? 0xFFFF : sqHead;
    }

    void completed(Request request) {
        int status = request.status();
        if (status != 0) {
            if (controller != null) {
                int nsid = request.opcode() == FabricsCommand.OPCODE ? 0 : Sqe.nsid(request.sqe(), 0);
                controller.recordError(Math.max(qid, 0), request.cid(), status, request.errorLocation(), nsid);
            }
        } else if (qid > 0) {
            int opcode = request.opcode();
            if (opcode == NvmOpcode.OPC_READ) {
                readCommands.add(1);
                bytesRead.add(request.transferLength());
            } else if (opcode == NvmOpcode.OPC_WRITE) {
                writeCommands.add(1);
                bytesWritten.add(request.transferLength());
            }
        }
        if (state == State.CLOSED) {
            release(request);
            return;
        }
        transport.respond(request);
    }

    /** A namespace or an event completed {@code request} (on this loop, after any hop). */
    void asyncCompleted(Request request, int status) {
        if (request.state() != Request.State.EXECUTING) return; // released by a close meanwhile
        Object context = request.context();
        if (context instanceof NamespaceChannelRef ref) ref.done();
        request.complete(status);
    }

    /** The channel to {@code namespace} for this queue's event loop. */
    public NamespaceChannelRef channel(SubsystemNamespace namespace) {
        int index = namespace.nsid() - 1;
        if (index >= channels.length)
            channels = Arrays.copyOf(channels, namespace.subsystem().maxNamespaces());
        NamespaceChannelRef ref = channels[index];
        if (ref == null || ref.owner() != namespace) {
            ref = namespace.channel(loop);
            channels[index] = ref;
        }
        return ref;
    }

    // ------------------------------------------------------------------ teardown

    /**
     * The transport's connection is gone. Requests waiting for host data or parked (AERs) are
     * released now; those a namespace holds are released when it completes them.
     */
    public void closed() {
        if (state == State.CLOSED) return;
        state = State.CLOSED;
        for (int i = 0; i < created; i++) {
            Request request = requests[i];
            if (request.state() == Request.State.RECEIVING_DATA
                    || (request.state() == Request.State.EXECUTING && request.context() == PARKED)) {
                release(request);
            }
        }
        if (controller != null) controller.queueClosed(this);
    }

    @Override
    public String toString() {
        return "QueuePair[qid=" + qid + ", " + state + (controller != null ? ", " + controller : "") + "]";
    }
}
