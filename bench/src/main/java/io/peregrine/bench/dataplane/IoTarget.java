package io.peregrine.bench.dataplane;

import io.peregrine.dataplane.bdev.BdevChannel;
import io.peregrine.dataplane.bdev.IoCompletion;
import io.peregrine.dataplane.lvol.VolumeChannel;
import java.lang.foreign.MemorySegment;

/** What a benchmark drives: a raw device channel or a volume channel, both on one reactor. */
interface IoTarget {
    long blockCount();

    void read(long lba, int blocks, MemorySegment buf, IoCompletion cb);

    void write(long lba, int blocks, MemorySegment buf, IoCompletion cb);

    static IoTarget of(BdevChannel ch, long blocks) {
        return new IoTarget() {
            @Override
            public long blockCount() {
                return blocks;
            }

            @Override
            public void read(long lba, int n, MemorySegment buf, IoCompletion cb) {
                ch.read(lba, n, buf, 0, cb);
            }

            @Override
            public void write(long lba, int n, MemorySegment buf, IoCompletion cb) {
                ch.write(lba, n, buf, 0, cb);
            }
        };
    }

    static IoTarget of(VolumeChannel ch) {
        return new IoTarget() {
            @Override
            public long blockCount() {
                return ch.blockCount();
            }

            @Override
            public void read(long lba, int n, MemorySegment buf, IoCompletion cb) {
                ch.read(lba, n, buf, 0, cb);
            }

            @Override
            public void write(long lba, int n, MemorySegment buf, IoCompletion cb) {
                ch.write(lba, n, buf, 0, false, cb);
            }
        };
    }
}
