package io.peregrine.dataplane.bdev;

import io.peregrine.dataplane.reactor.ReactorCore;
import java.lang.foreign.MemorySegment;

/**
 * A block device (SPDK's {@code spdk_bdev}): fixed-size blocks, an asynchronous I/O interface
 * reached only through per-thread {@link BdevChannel}s, and a statement of the buffer memory it
 * can transfer to directly.
 *
 * <p>Thread contract: the descriptor is shared; {@link #openChannel} is called on the thread that
 * owns the given {@link ReactorCore}, and the channel is used and closed there only. Nothing on
 * the I/O path takes a lock.
 */
public interface Bdev extends AutoCloseable {
    /** What was opened, as a URI. */
    BdevSpec spec();

    /** The canonical URI. */
    default String uri() {
        return spec().uri();
    }

    /** Bytes per block: the unit of every offset and length on the channel. */
    int blockSize();

    /** Number of blocks. */
    long blockCount();

    default long sizeBytes() {
        return blockCount() * blockSize();
    }

    BdevFeatures features();

    /** True when opened read-only: writes, write-zeroes and unmaps complete with {@link IoStatus#READ_ONLY}. */
    boolean readOnly();

    /**
     * The alignment, in bytes, buffer addresses must have for the device to transfer directly
     * (SPDK's {@code spdk_bdev_get_buf_align}): 4096 for O_DIRECT and NVMe, 1 for memory devices.
     */
    int bufferAlignment();

    /**
     * Whether the device can transfer {@code length} bytes at {@code offset} of {@code segment}
     * directly. When it cannot (heap memory, misaligned, not DMA-mapped), the channel copies
     * through a bounce buffer: correct, but slower, and counted in {@link BdevChannel#bounced}.
     */
    default boolean canUseBuffer(MemorySegment segment, long offset, long length) {
        return segment.isNative() && (segment.address() + offset) % bufferAlignment() == 0;
    }

    /**
     * Memory the device can transfer to and from directly (SPDK's {@code spdk_dma_malloc}); callers
     * that can choose where data lands should allocate it here.
     */
    default IoBuffer allocateBuffer(long bytes) {
        return IoBuffer.allocate(bytes, Math.max(64, bufferAlignment()));
    }

    /** Opens this thread's channel; must be called on {@code core}'s owner thread. */
    BdevChannel openChannel(ReactorCore core);

    /** Closes the device; every channel must have been closed first. */
    @Override
    void close() throws BdevException;
}
