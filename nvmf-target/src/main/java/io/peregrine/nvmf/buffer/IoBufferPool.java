package io.peregrine.nvmf.buffer;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-thread pool of {@link IoBuffer}s in power-of-two size classes from 4 KiB to the largest
 * transfer (SPDK's iobuf idea). Confined to one event loop: every take and every recycle happens
 * on it, so there are no locks and, once the slabs have grown to the working set, no allocation.
 *
 * <p>Slabs are carved from a {@link SlabAllocator} ({@value #SLAB_BYTES} bytes, or one buffer when
 * larger) and kept until {@link #close()}; the pool grows with the I/O in flight and never
 * shrinks.
 */
public final class IoBufferPool implements AutoCloseable {
    public static final int MIN_BUFFER = 4096;
    static final long SLAB_BYTES = 2L << 20;

    private final EventExecutor executor;
    private final SlabAllocator slabs;
    private final ByteBufAllocator alloc;
    private final SizeClass[] classes;
    private final int maxBuffer;

    /**
     * @param executor the event loop that owns this pool
     * @param maxBuffer the largest buffer handed out (a power of two, at least 4 KiB)
     */
    public IoBufferPool(EventExecutor executor, SlabAllocator slabs, ByteBufAllocator alloc, int maxBuffer) {
        if (maxBuffer < MIN_BUFFER || Integer.bitCount(maxBuffer) != 1) {
            throw new IllegalArgumentException(
                    "the largest buffer must be a power of two of at least 4096, got " + maxBuffer);
        }
        this.executor = executor;
        this.slabs = slabs;
        this.alloc = alloc;
        this.maxBuffer = maxBuffer;
        int count = Integer.numberOfTrailingZeros(maxBuffer) - Integer.numberOfTrailingZeros(MIN_BUFFER) + 1;
        this.classes = new SizeClass[count];
        for (int i = 0; i < count; i++) classes[i] = new SizeClass(MIN_BUFFER << i);
    }

    /** The largest buffer this pool hands out. */
    public int maxBuffer() {
        return maxBuffer;
    }

    public EventExecutor executor() {
        return executor;
    }

    /**
     * A buffer of at least {@code length} bytes, with one reference, empty. Must be called on the
     * owning event loop.
     */
    public IoBuffer take(int length) {
        if (length > maxBuffer || length < 0) {
            throw new IllegalArgumentException("buffers hold 0.." + maxBuffer + " bytes, asked for " + length);
        }
        int index = length <= MIN_BUFFER
                ? 0
                : 32 - Integer.numberOfLeadingZeros(length - 1) - Integer.numberOfTrailingZeros(MIN_BUFFER);
        return classes[index].take();
    }

    /** Buffers taken and not yet returned, across all size classes (for leak checks). */
    public int outstanding() {
        int total = 0;
        for (SizeClass c : classes) total += c.outstanding;
        return total;
    }

    /** Bytes of slab memory this pool holds. */
    public long footprint() {
        long total = 0;
        for (SizeClass c : classes) total += c.footprint;
        return total;
    }

    /** Drops the free lists. Slab memory itself belongs to the {@link SlabAllocator}'s owner. */
    @Override
    public void close() {
        for (SizeClass c : classes) c.free.clear();
    }

    /** All buffers of one size. */
    final class SizeClass {
        private final int size;
        private final ArrayDeque<IoBuffer> free = new ArrayDeque<>();
        private final List<MemorySegment> slabList = new ArrayList<>();
        private int outstanding;
        private long footprint;

        SizeClass(int size) {
            this.size = size;
        }

        IoBuffer take() {
            IoBuffer buffer = free.pollFirst();
            if (buffer == null) {
                grow();
                buffer = free.pollFirst();
            }
            outstanding++;
            return buffer.reuse();
        }

        void recycle(IoBuffer buffer) {
            if (!executor.inEventLoop()) {
                // released off the loop (a rare teardown path): hand it back where it belongs
                executor.execute(() -> recycle(buffer));
                return;
            }
            outstanding--;
            free.addFirst(buffer); // LIFO: the most recently used buffer is the one still in cache
        }

        private void grow() {
            long slabBytes = Math.max(SLAB_BYTES, size);
            MemorySegment slab = slabs.allocate(slabBytes, MIN_BUFFER);
            slabList.add(slab);
            footprint += slabBytes;
            for (long offset = 0; offset + size <= slabBytes; offset += size) {
                free.addLast(new IoBuffer(alloc, slab.asSlice(offset, size), this));
            }
        }
    }
}
