package io.peregrine.nvme.driver;

import java.lang.foreign.MemorySegment;

/**
 * One command slot of an I/O queue pair; its index is the command's CID. Slots are made once with
 * the queue pair and reused: submitting fills one in, completing empties it. Each owns a piece of
 * DMA memory for its PRP list (or a Dataset Management range).
 */
final class Request {

    static final int FREE = 0;
    static final int ACTIVE = 1;
    /** Timed out; Abort sent (or a reset requested) and the completion still awaited. */
    static final int ABORTING = 2;

    final int cid;
    final MemorySegment prpList;
    final long prpListIova;
    IoCallback<Object> callback;
    Object arg;
    int state;
    int opcode;
    long lba;
    long submitNanos;
    long abortDeadlineNanos;

    Request(int cid, MemorySegment prpList, long prpListIova) {
        this.cid = cid;
        this.prpList = prpList;
        this.prpListIova = prpListIova;
    }
}
