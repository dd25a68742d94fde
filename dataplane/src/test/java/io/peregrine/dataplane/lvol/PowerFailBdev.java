package io.peregrine.dataplane.lvol;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A memory device with a volatile write cache that loses power on demand (SPDK's blob_ut does
 * the same with its dev_power_failure tests). Completed writes sit in the cache until a flush;
 * {@link #powerFail} returns a new device holding what was flushed plus a random subset of the
 * blocks written since, in whatever mix a real cache might have persisted them. Block writes are
 * atomic; nothing else is.
 */
final class PowerFailBdev implements Bdev {
    private final BdevSpec.Malloc spec;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment current;
    private final MemorySegment durable;
    private final List<long[]> dirty = new ArrayList<>();
    private boolean dead;

    PowerFailBdev(long size, int blockSize) {
        this.spec = new BdevSpec.Malloc(size, blockSize);
        this.current = arena.allocate(size, 4096);
        this.durable = arena.allocate(size, 4096);
    }

    private PowerFailBdev(PowerFailBdev from, Random rnd) {
        this(from.spec.size(), from.spec.blockSize());
        durable.copyFrom(from.durable);
        int bs = spec.blockSize();
        for (long[] d : from.dirty) {
            for (long b = d[0]; b < d[0] + d[1]; b++) {
                if (rnd.nextBoolean()) {
                    MemorySegment.copy(from.current, b * bs, durable, b * bs, bs);
                }
            }
        }
        current.copyFrom(durable);
    }

    /**
     * Cuts the power: this device stops, and its memory is given back (nothing drives the store
     * that used it any more); the returned device holds what survived.
     */
    synchronized PowerFailBdev powerFail(Random rnd) {
        dead = true;
        PowerFailBdev survivor = new PowerFailBdev(this, rnd);
        arena.close();
        return survivor;
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
        return new BdevFeatures(true, true, true, true);
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
            super(PowerFailBdev.this, core);
        }

        private boolean off(IoCompletion cb) {
            synchronized (PowerFailBdev.this) {
                if (dead) {
                    // a dead device never answers: the abandoned store just stops
                    return true;
                }
            }
            return false;
        }

        @Override
        protected void submitRead(long lba, int blocks, MemorySegment buf, long bufOffset, IoCompletion cb) {
            if (off(cb)) {
                return;
            }
            MemorySegment.copy(current, lba * blockSize, buf, bufOffset, (long) blocks * blockSize);
            doneLater(cb, IoStatus.SUCCESS);
        }

        @Override
        protected void submitWrite(long lba, int blocks, MemorySegment buf, long bufOffset, IoCompletion cb) {
            if (off(cb)) {
                return;
            }
            synchronized (PowerFailBdev.this) {
                MemorySegment.copy(buf, bufOffset, current, lba * blockSize, (long) blocks * blockSize);
                dirty.add(new long[] {lba, blocks});
            }
            doneLater(cb, IoStatus.SUCCESS);
        }

        @Override
        protected void submitWriteZeroes(long lba, long blocks, IoCompletion cb) {
            if (off(cb)) {
                return;
            }
            synchronized (PowerFailBdev.this) {
                current.asSlice(lba * blockSize, blocks * blockSize).fill((byte) 0);
                dirty.add(new long[] {lba, blocks});
            }
            doneLater(cb, IoStatus.SUCCESS);
        }

        @Override
        protected void submitUnmap(long lba, long blocks, IoCompletion cb) {
            submitWriteZeroes(lba, blocks, cb);
        }

        @Override
        protected void submitFlush(IoCompletion cb) {
            if (off(cb)) {
                return;
            }
            synchronized (PowerFailBdev.this) {
                for (long[] d : dirty) {
                    MemorySegment.copy(current, d[0] * blockSize, durable, d[0] * blockSize, d[1] * blockSize);
                }
                dirty.clear();
            }
            doneLater(cb, IoStatus.SUCCESS);
        }

        @Override
        protected void closeChannel() {}
    }
}
