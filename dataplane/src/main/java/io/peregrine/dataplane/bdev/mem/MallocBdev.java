package io.peregrine.dataplane.bdev.mem;

import io.peregrine.dataplane.bdev.AbstractBdevChannel;
import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.bdev.BdevChannel;
import io.peregrine.dataplane.bdev.BdevFeatures;
import io.peregrine.dataplane.bdev.BdevSpec;
import io.peregrine.dataplane.bdev.IoCompletion;
import io.peregrine.dataplane.bdev.IoStatus;
import io.peregrine.dataplane.reactor.ReactorCore;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A block device in this process's memory ({@code malloc://?size=1G}): zeroed at creation, gone
 * when closed. Transfers are copies done on the submitting thread; completions are delivered on
 * the next reactor iteration. Any buffer, heap or native, is used directly.
 */
public final class MallocBdev implements Bdev {
    private static final BdevFeatures FEATURES = new BdevFeatures(false, false, true, true);

    private final BdevSpec.Malloc spec;
    private final Arena arena;
    private final MemorySegment memory;

    public MallocBdev(BdevSpec.Malloc spec) {
        this.spec = spec;
        this.arena = Arena.ofShared();
        this.memory = arena.allocate(spec.size(), 4096);
    }

    @Override
    public BdevSpec spec() {
        return spec;
    }

    @Override
    public int blockSize() {
        return spec.blockSize();
    }

    @Override
    public long blockCount() {
        return spec.size() / spec.blockSize();
    }

    @Override
    public BdevFeatures features() {
        return FEATURES;
    }

    @Override
    public boolean readOnly() {
        return false;
    }

    @Override
    public int bufferAlignment() {
        return 1;
    }

    @Override
    public boolean canUseBuffer(MemorySegment segment, long offset, long length) {
        return true;
    }

    /** The device's memory, for tests that inspect or damage what is "on disk". */
    public MemorySegment memory() {
        return memory;
    }

    @Override
    public BdevChannel openChannel(ReactorCore core) {
        return new Channel(core);
    }

    @Override
    public void close() {
        arena.close();
    }

    private final class Channel extends AbstractBdevChannel {
        Channel(ReactorCore core) {
            super(MallocBdev.this, core);
        }

        @Override
        protected void submitRead(long lba, int blocks, MemorySegment buf, long bufOffset, IoCompletion cb) {
            MemorySegment.copy(memory, lba * blockSize, buf, bufOffset, (long) blocks * blockSize);
            doneLater(cb, IoStatus.SUCCESS);
        }

        @Override
        protected void submitWrite(long lba, int blocks, MemorySegment buf, long bufOffset, IoCompletion cb) {
            MemorySegment.copy(buf, bufOffset, memory, lba * blockSize, (long) blocks * blockSize);
            doneLater(cb, IoStatus.SUCCESS);
        }

        @Override
        protected void submitWriteZeroes(long lba, long blocks, IoCompletion cb) {
            memory.asSlice(lba * blockSize, blocks * blockSize).fill((byte) 0);
            doneLater(cb, IoStatus.SUCCESS);
        }

        @Override
        protected void submitUnmap(long lba, long blocks, IoCompletion cb) {
            // memory has nothing to give back; zeroing keeps "zeroes or old data" trivially true
            memory.asSlice(lba * blockSize, blocks * blockSize).fill((byte) 0);
            doneLater(cb, IoStatus.SUCCESS);
        }

        @Override
        protected void submitFlush(IoCompletion cb) {
            doneLater(cb, IoStatus.SUCCESS);
        }

        @Override
        protected void closeChannel() {}
    }
}
