package io.peregrine.dataplane.bdev.mem;

import io.peregrine.dataplane.bdev.AbstractBdevChannel;
import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.bdev.BdevChannel;
import io.peregrine.dataplane.bdev.BdevFeatures;
import io.peregrine.dataplane.bdev.BdevSpec;
import io.peregrine.dataplane.bdev.IoCompletion;
import io.peregrine.dataplane.bdev.IoStatus;
import io.peregrine.dataplane.reactor.ReactorCore;
import java.lang.foreign.MemorySegment;

/**
 * A device that stores nothing ({@code null://?size=1T}): writes are discarded and reads leave
 * the buffer as it was. It costs only the bdev layer itself, which is what benchmarks compare
 * the volume layer against.
 */
public final class NullBdev implements Bdev {
    private static final BdevFeatures FEATURES = new BdevFeatures(false, false, true, false);

    private final BdevSpec.Null spec;

    public NullBdev(BdevSpec.Null spec) {
        this.spec = spec;
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

    @Override
    public BdevChannel openChannel(ReactorCore core) {
        return new Channel(core);
    }

    @Override
    public void close() {}

    private final class Channel extends AbstractBdevChannel {
        Channel(ReactorCore core) {
            super(NullBdev.this, core);
        }

        @Override
        protected void submitRead(long lba, int blocks, MemorySegment buf, long bufOffset, IoCompletion cb) {
            doneLater(cb, IoStatus.SUCCESS);
        }

        @Override
        protected void submitWrite(long lba, int blocks, MemorySegment buf, long bufOffset, IoCompletion cb) {
            doneLater(cb, IoStatus.SUCCESS);
        }

        @Override
        protected void submitWriteZeroes(long lba, long blocks, IoCompletion cb) {
            doneLater(cb, IoStatus.SUCCESS);
        }

        @Override
        protected void submitUnmap(long lba, long blocks, IoCompletion cb) {
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
