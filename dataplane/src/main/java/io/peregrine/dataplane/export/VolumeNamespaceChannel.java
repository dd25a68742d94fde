package io.peregrine.dataplane.export;

import io.peregrine.dataplane.bdev.IoCompletion;
import io.peregrine.dataplane.bdev.IoStatus;
import io.peregrine.dataplane.lvol.VolumeChannel;
import io.peregrine.dataplane.reactor.ReactorCore;
import io.peregrine.nvme.spec.DsmRange;
import io.peregrine.nvmf.namespace.NamespaceChannel;
import io.peregrine.nvmf.namespace.NamespaceIo;
import io.peregrine.nvmf.namespace.NamespaceOp;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;

/**
 * One event loop's path from the target to a volume: NVMe Read, Write (FUA), Flush, Write Zeroes
 * and Dataset Management become volume channel calls on the same thread. Requests are pooled, so
 * the steady state allocates nothing; completions carry the engine's status as the NVMe Status
 * Field (Capacity Exceeded when a thin volume's pool is full, LBA Out of Range, ...).
 *
 * <p>Counters and latency histograms are plain fields of this channel ({@link IoCounters}),
 * written only by this loop and read by scrapes. A latency runs from the moment the command is
 * submitted (one {@link System#nanoTime}) to the start of the reactor iteration that completed
 * it.
 */
final class VolumeNamespaceChannel implements NamespaceChannel {
    private final VolumeNamespace namespace;
    private final VolumeChannel volume;
    private final ReactorCore core;
    private final IoCounters counters = new IoCounters();
    private final ArrayDeque<VolumeIo> free = new ArrayDeque<>();
    private boolean closed;

    VolumeNamespaceChannel(VolumeNamespace namespace, VolumeChannel volume, ReactorCore core) {
        this.namespace = namespace;
        this.volume = volume;
        this.core = core;
    }

    IoCounters counters() {
        return counters;
    }

    @Override
    public void submit(NamespaceIo io) {
        long now = System.nanoTime();
        // the loop may have been blocked in epoll until just now: time the engine's part from here
        core.advanceClock(now);
        VolumeIo r = free.pollFirst();
        if (r == null) {
            r = new VolumeIo();
        }
        r.io = io;
        r.op = io.op();
        r.bytes = io.length();
        r.start = now;
        r.pending = 1;
        r.status = IoStatus.SUCCESS;
        switch (io.op()) {
            case READ -> {
                r.pending++;
                volume.read(io.slba(), io.blocks(), io.buffer(), 0, r);
            }
            case WRITE -> {
                r.pending++;
                volume.write(io.slba(), io.blocks(), io.buffer(), 0, io.fua(), r);
            }
            case FLUSH -> {
                r.pending++;
                volume.flush(r);
            }
            case WRITE_ZEROES -> {
                // always reads back as zeroes; whole clusters with nothing beneath are freed (DEAC or not)
                r.pending++;
                volume.writeZeroes(io.slba(), io.blocks(), r);
            }
            case DEALLOCATE -> deallocate(io, r);
        }
        r.release();
    }

    /** Dataset Management, Deallocate: a hint; ranges past the end are clipped or skipped, not failed. */
    private void deallocate(NamespaceIo io, VolumeIo r) {
        MemorySegment list = io.buffer();
        long size = volume.blockCount();
        for (int i = 0; i < io.ranges(); i++) {
            long base = i * DsmRange.SIZE;
            long slba = DsmRange.STARTING_LBA.get(list, base);
            long blocks = DsmRange.LENGTH.get(list, base) & 0xffff_ffffL;
            if (slba < 0 || slba >= size || blocks == 0) {
                continue;
            }
            r.pending++;
            volume.unmap(slba, Math.min(blocks, size - slba), r);
        }
    }

    private void finish(VolumeIo r) {
        long took = core.now() - r.start;
        if (took < 0) {
            took = 0;
        }
        IoStatus st = r.status;
        switch (r.op) {
            case READ -> {
                counters.add(IoCounters.READ_OPS, 1);
                counters.add(IoCounters.READ_BYTES, r.bytes);
                counters.add(IoCounters.READ_NANOS, took);
                counters.observe(IoCounters.READ_BUCKETS, took);
            }
            case WRITE -> {
                counters.add(IoCounters.WRITE_OPS, 1);
                counters.add(IoCounters.WRITE_BYTES, r.bytes);
                counters.add(IoCounters.WRITE_NANOS, took);
                counters.observe(IoCounters.WRITE_BUCKETS, took);
            }
            case FLUSH -> counters.add(IoCounters.FLUSH_OPS, 1);
            case WRITE_ZEROES -> counters.add(IoCounters.WRITE_ZEROES_OPS, 1);
            case DEALLOCATE -> counters.add(IoCounters.UNMAP_OPS, 1);
        }
        if (!st.isSuccess()) {
            counters.add(IoCounters.ERRORS, 1);
        }
        NamespaceIo io = r.io;
        r.io = null;
        free.addFirst(r);
        io.complete(NvmeStatuses.field(st));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        volume.close();
        namespace.channelClosed(this);
    }

    /** One command in flight: the completion of every volume call it became. */
    private final class VolumeIo implements IoCompletion {
        NamespaceIo io;
        NamespaceOp op;
        long bytes;
        long start;
        int pending;
        IoStatus status;

        /** Drops the submission guard. */
        void release() {
            if (--pending == 0) {
                finish(this);
            }
        }

        @Override
        public void complete(IoStatus st) {
            if (!st.isSuccess() && status.isSuccess()) {
                status = st;
            }
            release();
        }
    }
}
