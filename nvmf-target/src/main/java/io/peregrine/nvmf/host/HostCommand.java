package io.peregrine.nvmf.host;

import io.netty.buffer.ByteBuf;
import io.peregrine.nvme.spec.Sqe;
import java.lang.foreign.MemorySegment;

/**
 * One command slot of a {@link HostQueue}; its index is the command's CID. Taken with {@link
 * HostQueue#acquire()}, filled (the SQE through {@link #sqe()}, or through the queue's read/write
 * helpers), submitted, and handed to its {@link Callback} when it completes -- after which the
 * queue takes it back. Confined to the queue's event loop; reused, never allocated per I/O.
 */
public final class HostCommand {

    /** Told when a command completes. Runs on the queue's event loop; must not block. */
    @FunctionalInterface
    public interface Callback {
        /** {@code command} is valid only during this call: read what is needed, then return. */
        void completed(HostCommand command);
    }

    enum State {
        FREE,
        /** Capsule sent; waiting for R2T, data or response. */
        SENT,
        DONE
    }

    /** Data direction. */
    static final int NONE = 0;

    static final int TO_CONTROLLER = 1;
    static final int FROM_CONTROLLER = 2;

    private final HostQueue queue;
    private final int cid;
    private final MemorySegment sqe = MemorySegment.ofArray(new byte[(int) Sqe.SIZE]);

    State state = State.FREE;
    int direction;
    ByteBuf data;
    int dataIndex;
    int length;
    int received;
    boolean digestError;
    boolean inCapsule;
    Callback callback;
    Object attachment;
    int status;
    int dw0;
    int dw1;
    long submittedNanos;

    HostCommand(HostQueue queue, int cid) {
        this.queue = queue;
        this.cid = cid;
    }

    public HostQueue queue() {
        return queue;
    }

    public int cid() {
        return cid;
    }

    /** The SQE to fill; CID and the data pointer are set by the queue at submission. */
    public MemorySegment sqe() {
        return sqe;
    }

    /**
     * Data to send ({@code TO_CONTROLLER}) or receive into ({@code FROM_CONTROLLER}): {@code length}
     * bytes of {@code buffer} from {@code index}. A read may pass a null buffer to drop the data.
     */
    public HostCommand dataOut(ByteBuf buffer, int index, int bytes) {
        direction = TO_CONTROLLER;
        data = buffer;
        dataIndex = index;
        length = bytes;
        return this;
    }

    public HostCommand dataIn(ByteBuf buffer, int index, int bytes) {
        direction = FROM_CONTROLLER;
        data = buffer;
        dataIndex = index;
        length = bytes;
        return this;
    }

    public HostCommand noData() {
        direction = NONE;
        data = null;
        length = 0;
        return this;
    }

    public HostCommand callback(Callback value, Object attachmentValue) {
        this.callback = value;
        this.attachment = attachmentValue;
        return this;
    }

    /** The NVMe Status Field it completed with (0: success). */
    public int status() {
        return status;
    }

    public int dw0() {
        return dw0;
    }

    public int dw1() {
        return dw1;
    }

    public Object attachment() {
        return attachment;
    }

    /** When {@link HostQueue#submit} sent it, by {@link System#nanoTime()}. */
    public long submittedNanos() {
        return submittedNanos;
    }

    /** The data buffer (a read's data is in it at completion). */
    public ByteBuf data() {
        return data;
    }

    void reset() {
        state = State.FREE;
        data = null;
        callback = null;
        attachment = null;
        length = 0;
        received = 0;
        digestError = false;
        inCapsule = false;
        status = 0;
        dw0 = 0;
        dw1 = 0;
    }
}
