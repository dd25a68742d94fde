package io.peregrine.nvmf.namespace;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * One request to a namespace. Owned and pooled by the submitter (the target keeps one per queue
 * slot), filled in, {@linkplain NamespaceChannel#submit submitted}, and completed by the namespace
 * with {@link #complete(int)} exactly once -- on any thread. It is the submitter's again from the
 * moment {@code complete} is called: a namespace must not touch it, or its buffer, after that.
 *
 * <p>The buffer is a view of the target's data buffer and may be longer than the transfer; a
 * namespace reads or writes exactly {@link #length()} bytes from its start.
 */
public final class NamespaceIo {
    /** Force Unit Access: the write (or read) goes to, or comes from, non-volatile media. */
    public static final int FUA = 1;
    /** Write Zeroes may deallocate the blocks instead of writing zeroes (DEAC). */
    public static final int DEALLOCATE = 1 << 1;

    private final Completion completion;
    private final Object owner;

    private NamespaceOp op;
    private long slba;
    private int blocks;
    private int length;
    private int ranges;
    private int flags;
    private MemorySegment buffer;

    /** What the submitter does when a request completes. */
    @FunctionalInterface
    public interface Completion {
        /**
         * {@code status} is the NVMe Status Field (SCT, SC, DNR; {@code 0} for success), which the
         * target puts into the completion queue entry unchanged.
         */
        void completed(NamespaceIo io, int status);
    }

    /**
     * @param owner whatever the submitter wants back from {@link #owner()} (its request object)
     */
    public NamespaceIo(Completion completion, Object owner) {
        this.completion = Objects.requireNonNull(completion, "completion");
        this.owner = owner;
    }

    /** Prepares a read or write of {@code blocks} blocks ({@code length} bytes) at {@code slba}. */
    public NamespaceIo transfer(NamespaceOp op, long slba, int blocks, int length, MemorySegment buffer, int flags) {
        if (op != NamespaceOp.READ && op != NamespaceOp.WRITE) {
            throw new IllegalArgumentException("transfer() is for READ and WRITE, not " + op);
        }
        return set(op, slba, blocks, length, 0, flags, buffer);
    }

    public NamespaceIo flush() {
        return set(NamespaceOp.FLUSH, 0, 0, 0, 0, 0, null);
    }

    public NamespaceIo writeZeroes(long slba, int blocks, int flags) {
        return set(NamespaceOp.WRITE_ZEROES, slba, blocks, 0, 0, flags, null);
    }

    /** Prepares a deallocation of {@code ranges} DSM ranges held in {@code rangeList}. */
    public NamespaceIo deallocate(int ranges, MemorySegment rangeList) {
        return set(NamespaceOp.DEALLOCATE, 0, 0, ranges * 16, ranges, 0, rangeList);
    }

    private NamespaceIo set(
            NamespaceOp op, long slba, int blocks, int length, int ranges, int flags, MemorySegment buffer) {
        this.op = op;
        this.slba = slba;
        this.blocks = blocks;
        this.length = length;
        this.ranges = ranges;
        this.flags = flags;
        this.buffer = buffer;
        return this;
    }

    /** Completes this request; the namespace's last touch. {@code status} 0 means success. */
    public void complete(int status) {
        completion.completed(this, status);
    }

    public NamespaceOp op() {
        return op;
    }

    public long slba() {
        return slba;
    }

    public int blocks() {
        return blocks;
    }

    /** Bytes to transfer (READ, WRITE) or of the range list (DEALLOCATE). */
    public int length() {
        return length;
    }

    /** Number of Dataset Management ranges (DEALLOCATE). */
    public int ranges() {
        return ranges;
    }

    public int flags() {
        return flags;
    }

    public boolean fua() {
        return (flags & FUA) != 0;
    }

    public MemorySegment buffer() {
        return buffer;
    }

    public Object owner() {
        return owner;
    }

    @Override
    public String toString() {
        return "NamespaceIo[" + op + ", slba=" + slba + ", blocks=" + blocks + ", length=" + length + "]";
    }
}
