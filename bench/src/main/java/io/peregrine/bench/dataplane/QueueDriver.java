package io.peregrine.bench.dataplane;

import io.peregrine.dataplane.bdev.IoBuffer;
import io.peregrine.dataplane.bdev.IoCompletion;
import io.peregrine.dataplane.bdev.IoStatus;
import io.peregrine.dataplane.reactor.ReactorCore;

/**
 * Keeps a fixed queue depth of random 4 KiB I/Os in flight on one reactor, resubmitting from each
 * completion, and runs the reactor until a number of I/Os completed. Allocation-free, like the
 * NVMe/TCP target's queue will be.
 */
final class QueueDriver {
    private final IoTarget target;
    private final ReactorCore core;
    private final int blocksPerIo;
    private final Slot[] slots;
    private final long ioSlots;
    private boolean write;
    private long seed = 0x9E3779B97F4A7C15L;
    private long toSubmit;
    private long completed;
    private long failures;

    QueueDriver(IoTarget target, ReactorCore core, int blockSize, int depth, IoBuffer[] buffers) {
        this.target = target;
        this.core = core;
        this.blocksPerIo = 4096 / blockSize;
        this.ioSlots = target.blockCount() / blocksPerIo;
        this.slots = new Slot[depth];
        for (int i = 0; i < depth; i++) {
            slots[i] = new Slot(buffers[i]);
        }
    }

    /** Runs {@code ios} random reads or writes at the configured depth; returns failures so far. */
    long run(long ios, boolean writes) {
        this.write = writes;
        long start = completed;
        toSubmit = ios;
        for (Slot s : slots) {
            if (toSubmit > 0) {
                submit(s);
            }
        }
        while (completed - start < ios) {
            core.runOnce();
        }
        return failures;
    }

    private void submit(Slot s) {
        toSubmit--;
        seed ^= seed << 13;
        seed ^= seed >>> 7;
        seed ^= seed << 17;
        long lba = ((seed >>> 1) % ioSlots) * blocksPerIo;
        if (write) {
            target.write(lba, blocksPerIo, s.buf.segment(), s);
        } else {
            target.read(lba, blocksPerIo, s.buf.segment(), s);
        }
    }

    private final class Slot implements IoCompletion {
        final IoBuffer buf;

        Slot(IoBuffer buf) {
            this.buf = buf;
        }

        @Override
        public void complete(IoStatus status) {
            completed++;
            if (!status.isSuccess()) {
                failures++;
            }
            if (toSubmit > 0) {
                submit(this);
            }
        }
    }
}
