package io.peregrine.dataplane.lvol;

import io.peregrine.dataplane.bdev.IoBuffer;
import io.peregrine.dataplane.bdev.IoCompletion;
import io.peregrine.dataplane.blob.BlobChannel;
import java.lang.foreign.MemorySegment;
import java.util.UUID;

/**
 * One reactor's I/O path to a volume: what an NVMe namespace's per-queue handle maps onto. Blocks
 * are the device's; completions run on the opening reactor with an {@link
 * io.peregrine.dataplane.bdev.IoStatus} that names its NVMe status.
 *
 * <ul>
 *   <li>{@link #read}, {@link #write} (with FUA), {@link #writeZeroes}: NVMe Read, Write, Write Zeroes.
 *   <li>{@link #unmap}: Dataset Management with Deallocate; afterwards whole clusters of thin
 *       volumes read as zeroes (or as the snapshot beneath a clone), other blocks unchanged.
 *   <li>{@link #flush}: every write completed before it, and the cluster mappings those writes
 *       needed, are durable when it completes.
 * </ul>
 */
public final class VolumeChannel implements AutoCloseable {
    private final BlobChannel blob;
    private final String name;

    VolumeChannel(BlobChannel blob, String name) {
        this.blob = blob;
        this.name = name;
    }

    public String name() {
        return name;
    }

    public UUID uuid() {
        return blob.uuid();
    }

    public int blockSize() {
        return blob.blockSize();
    }

    /** Current size in blocks; grows when the volume is grown. */
    public long blockCount() {
        return blob.blockCount();
    }

    public boolean readOnly() {
        return blob.readOnly();
    }

    /** Memory the device can transfer to directly; other buffers work but are copied. */
    public IoBuffer allocateBuffer(long bytes) {
        return blob.allocateBuffer(bytes);
    }

    public void read(long lba, int blocks, MemorySegment buf, long bufOffset, IoCompletion cb) {
        blob.read(lba, blocks, buf, bufOffset, cb);
    }

    public void write(long lba, int blocks, MemorySegment buf, long bufOffset, boolean fua, IoCompletion cb) {
        blob.write(lba, blocks, buf, bufOffset, fua, cb);
    }

    public void writeZeroes(long lba, long blocks, IoCompletion cb) {
        blob.writeZeroes(lba, blocks, cb);
    }

    public void unmap(long lba, long blocks, IoCompletion cb) {
        blob.unmap(lba, blocks, cb);
    }

    public void flush(IoCompletion cb) {
        blob.flush(cb);
    }

    public int outstanding() {
        return blob.outstanding();
    }

    @Override
    public void close() {
        blob.close();
    }
}
