package io.peregrine.dataplane.bdev;

import io.peregrine.dataplane.reactor.ReactorCore;
import java.lang.foreign.MemorySegment;

/**
 * One thread's path to a {@link Bdev} (SPDK's {@code spdk_io_channel}): bound to the {@link
 * ReactorCore} that opened it, used only on that core's thread, completing every I/O there.
 *
 * <p>Offsets and lengths are in blocks. Data moves between the device and {@code buf} starting
 * at byte {@code bufOffset}, so callers never slice segments per I/O. Every call completes its
 * {@link IoCompletion} exactly once, never before the call returns; argument errors complete with
 * a status too ({@link IoStatus#INVALID_RANGE}, {@link IoStatus#DATA_TRANSFER_ERROR}) instead of
 * throwing, which is what an NVMe target needs.
 *
 * <p>Durability: a completed write may sit in a volatile cache ({@link BdevFeatures#volatileWriteCache});
 * a completed {@link #flush} makes every write that completed before the flush was submitted
 * durable.
 */
public interface BdevChannel extends AutoCloseable {
    Bdev bdev();

    ReactorCore core();

    void read(long lba, int blocks, MemorySegment buf, long bufOffset, IoCompletion cb);

    void write(long lba, int blocks, MemorySegment buf, long bufOffset, IoCompletion cb);

    /** Makes the range read as zeroes. */
    void writeZeroes(long lba, long blocks, IoCompletion cb);

    /**
     * Tells the device the range is no longer needed (NVMe Dataset Management, discard, punch
     * hole). Afterwards the range reads as zeroes or as its old contents, never anything else.
     */
    void unmap(long lba, long blocks, IoCompletion cb);

    void flush(IoCompletion cb);

    /** I/Os submitted and not yet completed. */
    int outstanding();

    /** I/Os that had to be copied through a bounce buffer. */
    long bounced();

    /** Closes the channel; it must have no outstanding I/O. */
    @Override
    void close();
}
