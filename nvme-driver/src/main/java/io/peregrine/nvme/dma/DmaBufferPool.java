package io.peregrine.nvme.dma;

import java.lang.foreign.MemorySegment;

/**
 * Fixed-size DMA buffers from one block, handed out and taken back without allocating: the
 * segments are sliced once, up front, and a free stack of indices tracks them.
 *
 * <p>Threads: a pool has one owner thread (the reactor that owns the I/O queue pair it feeds);
 * it is not safe for concurrent use. Give each thread its own pool.
 */
public final class DmaBufferPool implements AutoCloseable {

    private final DmaMemory memory;
    private final DmaBlock block;
    private final int bufferSize;
    private final MemorySegment[] buffers;
    private final int[] freeStack;
    private final boolean[] inUse;
    private final long base;
    private int freeCount;

    /**
     * {@code count} buffers of {@code bufferSize} bytes (a multiple of 4 KiB, so no buffer shares a
     * page with another and each starts page aligned, which keeps PRP lists short).
     */
    public DmaBufferPool(DmaMemory memory, int bufferSize, int count) {
        if (bufferSize <= 0 || bufferSize % 4096 != 0) {
            throw new IllegalArgumentException("buffer size must be a positive multiple of 4096, got " + bufferSize);
        }
        if (count <= 0) throw new IllegalArgumentException("count must be positive, got " + count);
        this.memory = memory;
        this.bufferSize = bufferSize;
        this.block = memory.allocate((long) bufferSize * count, 4096);
        this.base = block.segment().address();
        this.buffers = new MemorySegment[count];
        this.freeStack = new int[count];
        this.inUse = new boolean[count];
        for (int i = 0; i < count; i++) {
            buffers[i] = block.segment().asSlice((long) i * bufferSize, bufferSize);
            freeStack[i] = count - 1 - i;
        }
        this.freeCount = count;
    }

    public int bufferSize() {
        return bufferSize;
    }

    public int capacity() {
        return buffers.length;
    }

    public int available() {
        return freeCount;
    }

    /** A buffer, or {@code null} when all are in use. Its contents are whatever the last user left. */
    public MemorySegment acquire() {
        if (freeCount == 0) return null;
        int index = freeStack[--freeCount];
        inUse[index] = true;
        return buffers[index];
    }

    /** Gives a buffer back; it must be one this pool handed out and not yet returned. */
    public void release(MemorySegment buffer) {
        long offset = buffer.address() - base;
        int index = (int) (offset / bufferSize);
        if (offset < 0 || offset % bufferSize != 0 || index >= buffers.length) {
            throw new IllegalArgumentException("that buffer did not come from this pool");
        }
        if (!inUse[index]) throw new IllegalStateException("buffer " + index + " released twice");
        inUse[index] = false;
        freeStack[freeCount++] = index;
    }

    /** The IOVA of a buffer of this pool (a subtraction, no lookup). */
    public long iova(MemorySegment buffer) {
        return block.iova() + (buffer.address() - base);
    }

    @Override
    public void close() {
        memory.free(block);
    }
}
