package io.peregrine.nvmf.namespace;

import io.netty.util.concurrent.EventExecutor;
import io.peregrine.nvme.spec.DsmRange;
import io.peregrine.nvme.spec.StatusCode;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A thin RAM namespace: memory is taken 1 MiB at a time on first write, never-written and
 * deallocated blocks read as zeroes, and the size may grow (or shrink) up to the capacity fixed at
 * creation, which tells listeners. Safe for channels on several threads at once; like a disk it
 * does not order concurrent writes to the same blocks.
 */
public final class MemoryNamespace implements Namespace {
    static final int CHUNK = 1 << 20;

    private final int blockSize;
    private final long maxBlocks;
    private final AtomicReferenceArray<MemorySegment> chunks;
    private final MemorySegment zeroes = Arena.ofAuto().allocate(CHUNK);
    private final ListenerList listeners = new ListenerList();
    private volatile long blockCount;

    /** A namespace of {@code blockCount} blocks that cannot grow. */
    public MemoryNamespace(int blockSize, long blockCount) {
        this(blockSize, blockCount, blockCount);
    }

    /** A namespace of {@code blockCount} blocks that {@link #resize} can take up to {@code maxBlocks}. */
    public MemoryNamespace(int blockSize, long blockCount, long maxBlocks) {
        if (blockSize < 512 || blockSize > CHUNK || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size must be a power of two from 512 to 1 MiB, got " + blockSize);
        }
        if (blockCount < 1 || maxBlocks < blockCount) {
            throw new IllegalArgumentException(
                    "need 1 <= blocks <= maxBlocks, got " + blockCount + " and " + maxBlocks);
        }
        long chunkCount = (maxBlocks * blockSize + CHUNK - 1) / CHUNK;
        if (chunkCount > Integer.MAX_VALUE) throw new IllegalArgumentException("capacity too large: " + maxBlocks);
        this.blockSize = blockSize;
        this.maxBlocks = maxBlocks;
        this.blockCount = blockCount;
        this.chunks = new AtomicReferenceArray<>((int) chunkCount);
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public long blockCount() {
        return blockCount;
    }

    @Override
    public boolean thinProvisioned() {
        return true;
    }

    @Override
    public boolean deallocatedReadsZeroes() {
        return true;
    }

    @Override
    public boolean volatileWriteCache() {
        return false;
    }

    /** Changes the size (up to the capacity given at creation) and tells the listeners. */
    public void resize(long newBlockCount) {
        if (newBlockCount < 1 || newBlockCount > maxBlocks) {
            throw new IllegalArgumentException("size must be 1.." + maxBlocks + " blocks, got " + newBlockCount);
        }
        long old = blockCount;
        if (newBlockCount < old) zero(newBlockCount * blockSize, (old - newBlockCount) * blockSize);
        blockCount = newBlockCount;
        if (old != newBlockCount) listeners.capacityChanged(this);
    }

    /** Bytes of memory holding data right now. */
    public long footprint() {
        long total = 0;
        for (int i = 0; i < chunks.length(); i++) if (chunks.get(i) != null) total += CHUNK;
        return total;
    }

    @Override
    public NamespaceChannel openChannel(EventExecutor executor) {
        return new NamespaceChannel() {
            @Override
            public void submit(NamespaceIo io) {
                io.complete(execute(io));
            }

            @Override
            public void close() {}
        };
    }

    private int execute(NamespaceIo io) {
        switch (io.op()) {
            case READ, WRITE, WRITE_ZEROES -> {
                if (io.slba() < 0 || io.blocks() < 0 || io.slba() + io.blocks() > blockCount) {
                    return StatusCode.LBA_OUT_OF_RANGE.fieldDnr();
                }
                long offset = io.slba() * blockSize;
                long length = (long) io.blocks() * blockSize;
                switch (io.op()) {
                    case READ -> read(offset, io.buffer(), length);
                    case WRITE -> write(offset, io.buffer(), length);
                    default -> zero(offset, length);
                }
                return 0;
            }
            case DEALLOCATE -> {
                MemorySegment list = io.buffer();
                for (int i = 0; i < io.ranges(); i++) {
                    long base = i * DsmRange.SIZE;
                    long slba = DsmRange.STARTING_LBA.get(list, base);
                    long blocks = DsmRange.LENGTH.get(list, base) & 0xffff_ffffL;
                    // a hint: ranges past the end are ignored rather than failed
                    if (slba < 0 || slba >= blockCount) continue;
                    blocks = Math.min(blocks, blockCount - slba);
                    zero(slba * blockSize, blocks * blockSize);
                }
                return 0;
            }
            case FLUSH -> {
                return 0;
            }
        }
        return StatusCode.INVALID_OPCODE.fieldDnr();
    }

    private void read(long offset, MemorySegment dst, long length) {
        long done = 0;
        while (done < length) {
            long at = offset + done;
            int index = (int) (at / CHUNK);
            long within = at % CHUNK;
            long n = Math.min(length - done, CHUNK - within);
            MemorySegment chunk = chunks.get(index);
            MemorySegment.copy(chunk != null ? chunk : zeroes, chunk != null ? within : 0, dst, done, n);
            done += n;
        }
    }

    private void write(long offset, MemorySegment src, long length) {
        long done = 0;
        while (done < length) {
            long at = offset + done;
            int index = (int) (at / CHUNK);
            long within = at % CHUNK;
            long n = Math.min(length - done, CHUNK - within);
            MemorySegment.copy(src, done, chunk(index), within, n);
            done += n;
        }
    }

    private void zero(long offset, long length) {
        long done = 0;
        while (done < length) {
            long at = offset + done;
            int index = (int) (at / CHUNK);
            long within = at % CHUNK;
            long n = Math.min(length - done, CHUNK - within);
            if (within == 0 && n == CHUNK) {
                chunks.set(index, null); // a whole chunk: give the memory back
            } else {
                MemorySegment chunk = chunks.get(index);
                if (chunk != null) MemorySegment.copy(zeroes, 0, chunk, within, n);
            }
            done += n;
        }
    }

    private MemorySegment chunk(int index) {
        MemorySegment chunk = chunks.get(index);
        if (chunk != null) return chunk;
        MemorySegment fresh = Arena.ofAuto().allocate(CHUNK);
        return chunks.compareAndSet(index, null, fresh) ? fresh : chunks.get(index);
    }

    @Override
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    @Override
    public String toString() {
        return "MemoryNamespace[" + blockCount + " x " + blockSize + "]";
    }
}
