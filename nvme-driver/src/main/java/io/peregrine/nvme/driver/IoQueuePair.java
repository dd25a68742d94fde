package io.peregrine.nvme.driver;

import io.peregrine.nvme.dma.DmaBlock;
import io.peregrine.nvme.dma.DmaMemory;
import io.peregrine.nvme.spec.ControllerRegisters;
import io.peregrine.nvme.spec.Cqe;
import io.peregrine.nvme.spec.Le;
import io.peregrine.nvme.spec.Sqe;
import io.peregrine.nvme.spec.StatusCode;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * An I/O submission/completion queue pair owned by one thread (SPDK's qpair): commands go in
 * through the {@link Namespace} methods, completions come out of {@link #processCompletions(int)}
 * as callbacks, and nothing is allocated, locked or system-called on the way.
 *
 * <h2>Threading</h2>
 *
 * The first thread to submit or poll becomes the owner; any other thread using it gets an
 * {@link IllegalStateException}. Callbacks run on the owner, inside {@code processCompletions}, and
 * may submit more commands (they are sent at the end of that call). {@code processCompletions}
 * is not reentrant.
 *
 * <h2>Submitting</h2>
 *
 * A submission answers {@link #SUBMITTED}, {@link #QUEUE_FULL} (every slot is in flight: poll,
 * then retry) or {@link #DISCONNECTED} (the controller is resetting or failed: commands in flight
 * complete with "Command Aborted By Host" and the pair reconnects by itself once the controller is
 * ready again). Bad arguments — a buffer outside DMA memory, an LBA past the end — throw
 * {@link IllegalArgumentException} and consume nothing.
 *
 * <h2>Buffers</h2>
 *
 * A command's data buffer is the device's from submission until its callback runs: then, and
 * only then, may it be reused — whatever the status. A command the driver gives up on (reset,
 * failure, close) completes with "Command Aborted By Host" only once the device can no longer
 * write it: its queues were deleted, the controller was disabled or shut down, or, when it would
 * do neither, Bus Master Enable was cleared. Until then it stays outstanding (so
 * {@link #hasOutstanding()} keeps the reactor polling), while {@link #connected()} is already
 * false and submissions answer {@link #DISCONNECTED}: upper layers can fail over at once, they
 * just cannot recycle the memory early. The slot's PRP list is held the same way.
 *
 * <h2>Polling</h2>
 *
 * {@link #processCompletions(int)} answers how many commands it completed, so an idle reactor can
 * park when it answers 0 and {@link #hasOutstanding()} is false. It also writes the batched
 * doorbells and checks command timeouts (a command older than the I/O timeout is aborted; if it
 * still does not complete the controller is reset).
 */
public final class IoQueuePair implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(IoQueuePair.class.getName());

    /** The command is on its way; its callback will run from {@link #processCompletions}. */
    public static final int SUBMITTED = 0;
    /** Every command slot is in use: complete some, then retry. Nothing was submitted. */
    public static final int QUEUE_FULL = -1;
    /** The controller is resetting or failed; nothing was submitted. */
    public static final int DISCONNECTED = -2;

    private static final int ABORTED_BY_HOST = StatusCode.ABORTED_BY_HOST.field();

    private final NvmeController controller;
    private final Registers registers;
    private final DmaMemory dma;
    final int qid;
    final int entries;
    private final boolean batchDoorbells;
    private final DmaBlock sqBlock;
    private final DmaBlock cqBlock;
    private final DmaBlock prpBlock;
    private final MemorySegment sq;
    private final MemorySegment cq;
    private final long sqDoorbell;
    private final long cqDoorbell;
    private final long pageSize;
    private final long maxTransferBytes;
    private final Request[] requests;
    private final int[] freeCids;
    private final long timeoutNanos;
    private final long timeoutCheckNanos;

    private int freeCount;
    private int sqTail;
    private int cqHead;
    private int phase = 1;
    private boolean sqDirty;
    private Thread owner;
    private int generation;
    private boolean connected;
    /** The controller's quiesced epoch when this pair's queues were last created on it (its adminLock). */
    long queuesEpoch = -1;

    private volatile boolean closed;
    private boolean polling;
    private long nowNanos;
    private long nextTimeoutCheck;
    private long nextReconnectNanos;

    private long submittedCommands;
    private long completedCommands;
    private long failedCommands;
    private long timedOutCommands;

    IoQueuePair(
            NvmeController controller,
            Registers registers,
            DmaMemory dma,
            int qid,
            int entries,
            int dstrd,
            long pageSize,
            long maxTransferBytes,
            boolean batchDoorbells,
            long timeoutNanos,
            int generation) {
        this.controller = controller;
        this.registers = registers;
        this.dma = dma;
        this.qid = qid;
        this.entries = entries;
        this.batchDoorbells = batchDoorbells;
        this.pageSize = pageSize;
        this.maxTransferBytes = maxTransferBytes;
        this.timeoutNanos = timeoutNanos;
        this.timeoutCheckNanos = Math.max(1_000_000, Math.min(timeoutNanos / 4, 100_000_000));
        this.sqDoorbell = ControllerRegisters.sqTailDoorbell(qid, dstrd);
        this.cqDoorbell = ControllerRegisters.cqHeadDoorbell(qid, dstrd);
        this.generation = generation;

        int slots = entries - 1;
        // a PRP list per slot: one entry per page past the first, plus one for a misaligned start;
        // power-of-two sizes tile 4 KiB pages, so no list crosses a page (the spec's rule)
        long listEntries = maxTransferBytes / pageSize + 1;
        int listBytes = Integer.highestOneBit((int) Math.max(32, listEntries * 8 - 1)) << 1;
        DmaBlock sqb = null;
        DmaBlock cqb = null;
        DmaBlock prpb = null;
        try {
            sqb = dma.allocate(64L * entries, pageSize);
            cqb = dma.allocate(16L * entries, pageSize);
            prpb = dma.allocate((long) listBytes * slots, pageSize);
        } catch (RuntimeException e) {
            if (sqb != null) dma.free(sqb);
            if (cqb != null) dma.free(cqb);
            throw e;
        }
        this.sqBlock = sqb;
        this.cqBlock = cqb;
        this.prpBlock = prpb;
        this.sq = sqb.segment();
        this.cq = cqb.segment();
        this.requests = new Request[slots];
        this.freeCids = new int[slots];
        for (int i = 0; i < slots; i++) {
            requests[i] = new Request(
                    i, prpb.segment().asSlice((long) i * listBytes, listBytes), prpb.iova((long) i * listBytes));
            freeCids[i] = slots - 1 - i;
        }
        this.freeCount = slots;
    }

    // ---- what the controller needs to create the queues

    long sqIova() {
        return sqBlock.iova();
    }

    long cqIova() {
        return cqBlock.iova();
    }

    /** The DMA memory the controller reads and writes for this pair: SQ, CQ, PRP lists. */
    List<DmaBlock> queueMemory() {
        return List.of(sqBlock, cqBlock, prpBlock);
    }

    /** Empties both rings; done before (re)creating the queues on the controller. */
    void resetRings() {
        sq.fill((byte) 0);
        cq.fill((byte) 0);
        sqTail = 0;
        cqHead = 0;
        phase = 1;
        sqDirty = false;
    }

    void markConnected(int generation) {
        this.generation = generation;
        this.connected = true;
    }

    // ---- public state

    /** The queue identifier (SQID = CQID) on the controller. */
    public int queueId() {
        return qid;
    }

    /** Commands that may be outstanding at once. */
    public int depth() {
        return requests.length;
    }

    public int outstanding() {
        return requests.length - freeCount;
    }

    /** Whether any command awaits completion: a reactor may park only when this is false. */
    public boolean hasOutstanding() {
        return freeCount != requests.length;
    }

    public boolean connected() {
        return connected && generation == controller.generation();
    }

    public long maxTransferBytes() {
        return maxTransferBytes;
    }

    public NvmeController controller() {
        return controller;
    }

    /** Counters since creation: submitted, completed, completed with an error, timed out. */
    public long submittedCommands() {
        return submittedCommands;
    }

    public long completedCommands() {
        return completedCommands;
    }

    public long failedCommands() {
        return failedCommands;
    }

    public long timedOutCommands() {
        return timedOutCommands;
    }

    // ---- submission

    /**
     * Builds one command into the SQ. {@code buffer} may be {@code null} (no data); otherwise
     * {@code bytes} of it are described by PRPs. With {@code inlineRange} the data is one Dataset
     * Management range ({@code rangeSlba}, {@code rangeBlocks}) written into the slot's own DMA
     * memory. Arguments are checked before a slot is taken, so a refusal consumes nothing.
     */
    int submit(
            int opcode,
            int nsid,
            long lba,
            int cdw10,
            int cdw11,
            int cdw12,
            int cdw13,
            MemorySegment buffer,
            long bytes,
            IoCallback<?> callback,
            Object arg,
            boolean inlineRange,
            long rangeSlba,
            int rangeBlocks) {
        checkOwner();
        if (closed) throw new IllegalStateException("I/O queue pair " + qid + " is closed");
        if (!connected || generation != controller.generation()) return DISCONNECTED;
        if (freeCount == 0) return QUEUE_FULL;
        long iova = 0;
        if (buffer != null) {
            if (bytes > maxTransferBytes) {
                throw new IllegalArgumentException(
                        bytes + " bytes is more than one command moves (" + maxTransferBytes + "); split the I/O");
            }
            if (buffer.byteSize() < bytes) {
                throw new IllegalArgumentException(
                        "the buffer holds " + buffer.byteSize() + " bytes, the command moves " + bytes);
            }
            if ((buffer.address() & 3) != 0) {
                throw new IllegalArgumentException("data buffers must be 4-byte aligned (PRP1 is dword aligned)");
            }
            iova = dma.iova(buffer.address(), bytes);
        }
        if (freeCount == requests.length) nowNanos = System.nanoTime(); // first command after idle
        Request r = requests[freeCids[--freeCount]];
        r.state = Request.ACTIVE;
        @SuppressWarnings("unchecked")
        IoCallback<Object> cb = (IoCallback<Object>) callback;
        r.callback = cb;
        r.arg = arg;
        r.opcode = opcode;
        r.lba = lba;
        r.submitNanos = nowNanos;

        long prp1 = 0;
        long prp2 = 0;
        if (buffer != null) {
            // PRP1 is the buffer's first byte; a transfer into a second page names it in PRP2; a
            // longer one lists the second and later pages in the slot's PRP list, PRP2 pointing at it
            prp1 = iova;
            long first = pageSize - (iova & (pageSize - 1));
            if (bytes > first) {
                long next = iova + first;
                if (bytes - first <= pageSize) {
                    prp2 = next;
                } else {
                    writePrpList(r, next, iova + bytes);
                    prp2 = r.prpListIova;
                }
            }
        } else if (inlineRange) {
            // one Dataset Management range, in the slot's own DMA memory
            r.prpList.set(Le.U32, 0, 0);
            r.prpList.set(Le.U32, 4, rangeBlocks);
            r.prpList.set(Le.U64, 8, rangeSlba);
            prp1 = r.prpListIova;
        }
        Sqe.write(sq, 64L * sqTail, opcode, r.cid, nsid, prp1, prp2, cdw10, cdw11, cdw12, cdw13);
        sqTail = sqTail + 1 == entries ? 0 : sqTail + 1;
        submittedCommands++;
        if (batchDoorbells) {
            sqDirty = true;
        } else {
            registers.doorbell(sqDoorbell, sqTail);
        }
        return SUBMITTED;
    }

    private void writePrpList(Request r, long from, long end) {
        MemorySegment list = r.prpList;
        long offset = 0;
        for (long page = from; page < end; page += pageSize) {
            list.set(Le.U64, offset, page);
            offset += 8;
        }
    }

    /** Writes the SQ tail doorbell now if submissions are waiting for it. */
    public void flushSubmissions() {
        checkOwner();
        if (sqDirty) ringSubmissions();
    }

    private void ringSubmissions() {
        sqDirty = false;
        registers.doorbell(sqDoorbell, sqTail);
    }

    // ---- completion

    /**
     * Sends batched submissions, completes up to {@code max} commands (running their callbacks),
     * sends what the callbacks submitted, and checks timeouts. Answers the number of callbacks run:
     * 0 means there was nothing to do.
     */
    public int processCompletions(int max) {
        checkOwner();
        if (polling) {
            throw new IllegalStateException("processCompletions is not reentrant: do not call it from a callback");
        }
        polling = true;
        try {
            int done = 0;
            if (!connected || generation != controller.generation()) {
                done += recover();
                if (!connected) return done;
            }
            if (sqDirty) ringSubmissions();
            done += reap(max);
            if (sqDirty) ringSubmissions();
            if (freeCount != requests.length) checkTimeouts();
            return done;
        } finally {
            polling = false;
        }
    }

    private int reap(int max) {
        int n = 0;
        while (n < max) {
            long entry = 16L * cqHead;
            int dw3 = (int) Registers.INT32.getAcquire(cq, entry + Cqe.DW3_OFFSET);
            if (((dw3 >>> 16) & 1) != phase) break;
            if (++cqHead == entries) {
                cqHead = 0;
                phase ^= 1;
            }
            n++;
            int cid = dw3 & 0xffff;
            if (cid >= requests.length || requests[cid].state == Request.FREE) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "{0} I/O queue {1}: completion for CID {2}, which is not in flight; ignored",
                        controller.address(),
                        qid,
                        cid);
                continue;
            }
            complete(requests[cid], dw3 >>> 17);
        }
        if (n > 0) registers.doorbell(cqDoorbell, cqHead);
        return n;
    }

    private void complete(Request r, int status) {
        IoCallback<Object> callback = r.callback;
        Object arg = r.arg;
        r.callback = null;
        r.arg = null;
        r.state = Request.FREE;
        freeCids[freeCount++] = r.cid;
        completedCommands++;
        if (status != 0) failedCommands++;
        try {
            callback.onComplete(arg, status);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "an I/O completion callback threw; the queue pair carries on", e);
        }
    }

    /**
     * Timeouts: a command older than the I/O timeout gets an Abort (through the controller's
     * watchdog); one still not complete a timeout after that gets the controller reset.
     */
    private void checkTimeouts() {
        long now = System.nanoTime();
        nowNanos = now;
        if (now - nextTimeoutCheck < 0) return;
        nextTimeoutCheck = now + timeoutCheckNanos;
        for (Request r : requests) {
            if (r.state == Request.ACTIVE && now - r.submitNanos > timeoutNanos) {
                r.state = Request.ABORTING;
                r.abortDeadlineNanos = now + timeoutNanos;
                timedOutCommands++;
                controller.requestAbort(this, r.cid, r.opcode, r.lba, timeoutNanos);
            } else if (r.state == Request.ABORTING && now - r.abortDeadlineNanos > 0) {
                r.abortDeadlineNanos = now + timeoutNanos;
                controller.requestReset("I/O queue " + qid + " CID " + r.cid + " (opcode 0x"
                        + Integer.toHexString(r.opcode) + ", LBA " + r.lba + ") did not complete within "
                        + timeoutNanos / 1_000_000 + " ms, nor in as long again after Abort");
            }
        }
    }

    /**
     * The controller was reset (or failed): fail what was in flight, and once it is ready again,
     * recreate this pair's queues on it.
     */
    private int recover() {
        int failedNow = 0;
        int current = controller.generation();
        if (current != generation || connected) {
            connected = false;
            generation = current;
        }
        if (freeCount != requests.length) {
            // the queues may still exist on a device that has not yet been disabled: it could still
            // write the buffers (and read the PRP lists) these commands named, so they stay in flight
            if (controller.quiescedEpoch() == queuesEpoch) return 0;
            failedNow = failAll();
        }
        if (closed || controller.state() != ControllerState.READY) return failedNow;
        long now = System.nanoTime();
        if (now - nextReconnectNanos < 0) return failedNow;
        nextReconnectNanos = now + 100_000_000;
        try {
            controller.reconnect(this, current);
        } catch (NvmeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "{0}: I/O queue {1} cannot reconnect yet: {2}",
                    controller.address(),
                    qid,
                    e.getMessage());
        }
        return failedNow;
    }

    private int failAll() {
        int n = 0;
        for (Request r : requests) {
            if (r.state != Request.FREE) {
                complete(r, ABORTED_BY_HOST);
                n++;
            }
        }
        return n;
    }

    private void checkOwner() {
        Thread current = Thread.currentThread();
        if (owner != current) {
            if (owner != null) {
                throw new IllegalStateException("I/O queue pair " + qid + " belongs to thread '" + owner.getName()
                        + "'; '" + current.getName() + "' may not use it");
            }
            owner = current;
        }
    }

    /**
     * Deletes the queues on the controller and gives their memory back — at once, or, when the
     * controller might still use it, once it has been reset (see
     * {@link NvmeController#releaseQueuePair}). Commands still in flight complete with "Command
     * Aborted By Host" once the device can no longer write their buffers: when their queues could
     * not be deleted this waits for the reset that follows (bounded; past it the device is fenced
     * off the bus). Only the owner (or any thread before first use).
     */
    @Override
    public void close() {
        if (closed) return;
        checkOwner();
        closed = true;
        boolean gone = false;
        try {
            gone = controller.releaseQueuePair(this, queueMemory());
        } finally {
            connected = false;
            if (hasOutstanding()) {
                if (!gone && !controller.awaitQuiesced(queuesEpoch)) {
                    // a closed pair is never polled again: its callbacks run now or never
                    LOG.log(
                            System.Logger.Level.ERROR,
                            "{0}: I/O queue {1} is closed with {2} commands the device may still write the buffers"
                                    + " of (it could be neither reset nor fenced); their buffers must not be reused",
                            controller.address(),
                            qid,
                            outstanding());
                }
                failAll();
            }
        }
    }

    @Override
    public String toString() {
        return controller.address() + " I/O queue " + qid + " (" + outstanding() + "/" + depth() + " in flight)";
    }
}
