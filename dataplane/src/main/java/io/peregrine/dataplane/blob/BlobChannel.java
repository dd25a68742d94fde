package io.peregrine.dataplane.blob;

import io.peregrine.dataplane.bdev.BdevChannel;
import io.peregrine.dataplane.bdev.IoBuffer;
import io.peregrine.dataplane.bdev.IoCompletion;
import io.peregrine.dataplane.bdev.IoStatus;
import io.peregrine.dataplane.bdev.IoType;
import io.peregrine.dataplane.reactor.ReactorCore;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One reactor's I/O path to one blob (a volume's per-thread channel). Offsets and lengths are in
 * the device's blocks; completions run on the owning reactor, never inside the submit call.
 *
 * <p>The steady state allocates nothing and takes no lock: the cluster map is read without
 * locking, requests come from a per-channel pool, and each cluster-sized piece of a request goes
 * straight to the device with the request itself as the callback. Only a write into a cluster
 * the blob does not own yet leaves the thread: the metadata thread grants a cluster, this thread
 * fills it (copying the snapshot's data, or zeroing what the write does not cover), and the
 * metadata thread maps it before the write completes (see {@link ClusterGrants}).
 *
 * <p>Durability: {@link #flush} (and a write with FUA) completes once every write completed
 * before it and every cluster mapping those writes needed are durable.
 */
public final class BlobChannel implements AutoCloseable {
    /** Zeroes for reads of clusters nobody wrote; only ever read. */
    private static final MemorySegment ZEROES = Arena.global().allocate(64 * 1024, 4096);

    private static final VarHandle STAT = MethodHandles.arrayElementVarHandle(long[].class);
    static final int READS = 0;
    static final int READ_BYTES = 1;
    static final int WRITES = 2;
    static final int WRITE_BYTES = 3;
    static final int UNMAPS = 4;
    static final int FLUSHES = 5;
    static final int ERRORS = 6;
    static final int WRITE_ZEROES = 7;
    static final int READ_NANOS = 8;
    static final int WRITE_NANOS = 9;
    static final int STATS = 10;

    final BlobStore store;
    final Blob blob;
    final ReactorCore core;
    final StoreChannel sc;
    private final BdevChannel bdev;
    private final int blockSize;
    private final int clusterShift;
    private final long clusterBlocks;
    private final long dataBase;

    private final ArrayDeque<BlobIo> pool = new ArrayDeque<>();
    private final ArrayDeque<BlobIo> frozenQueue = new ArrayDeque<>();
    private int inflightWrites;
    private final List<Runnable> drainWaiters = new ArrayList<>();
    private final int[] inflight = new int[2];
    private int parity;
    private final List<Runnable> graceWaiters = new ArrayList<>();
    private final List<Runnable> graceQueued = new ArrayList<>();
    private boolean graceActive;
    private boolean closed;
    private final long[] stats = new long[STATS];

    BlobChannel(BlobStore store, Blob blob, ReactorCore core, StoreChannel sc) {
        this.store = store;
        this.blob = blob;
        this.core = core;
        this.sc = sc;
        this.bdev = sc.bdev;
        this.blockSize = bdev.bdev().blockSize();
        this.clusterBlocks = store.superBlock().clusterSize() / blockSize;
        this.clusterShift = Long.numberOfTrailingZeros(clusterBlocks);
        this.dataBase = store.superBlock().dataOffset() / blockSize;
    }

    /** The blob's UUID. */
    public java.util.UUID uuid() {
        return blob.uuid;
    }

    public int blockSize() {
        return blockSize;
    }

    /** The blob's current size in blocks (grows online). */
    public long blockCount() {
        return blob.sizeClusters << clusterShift;
    }

    public boolean readOnly() {
        return blob.readOnly();
    }

    /** Memory the device transfers to directly; other buffers are bounced. */
    public IoBuffer allocateBuffer(long bytes) {
        return bdev.bdev().allocateBuffer(bytes);
    }

    /** I/Os submitted and not completed, including writes held while a snapshot is taken. */
    public int outstanding() {
        return inflight[0] + inflight[1] + frozenQueue.size();
    }

    long stat(int i) {
        return (long) STAT.getOpaque(stats, i);
    }

    private void count(int i, long v) {
        // only this thread writes: a plain read, and an opaque store other threads can read
        STAT.setOpaque(stats, i, stats[i] + v);
    }

    // ------------------------------------------------------------------ submission

    public void read(long lba, int blocks, MemorySegment buf, long bufOffset, IoCompletion cb) {
        IoStatus bad = check(lba, blocks, buf, bufOffset, false);
        if (bad != null) {
            failEarly(cb, bad);
            return;
        }
        BlobIo io = take(IoType.READ, lba, blocks, buf, bufOffset, false, cb);
        track(io);
        long first = lba & (clusterBlocks - 1);
        if (first + blocks <= clusterBlocks) {
            // the common case: one cluster, one device I/O, which completes later by contract
            int e = blob.resolve((int) (lba >>> clusterShift));
            if (e != 0) {
                bdev.read(physical(e, first), blocks, buf, bufOffset, io);
                return;
            }
        }
        long done = 0;
        while (done < blocks) {
            long at = lba + done;
            int lc = (int) (at >>> clusterShift);
            long off = at & (clusterBlocks - 1);
            long n = Math.min(blocks - done, clusterBlocks - off);
            int e = blob.resolve(lc);
            if (e == 0) {
                zero(buf, bufOffset + done * blockSize, n * blockSize);
            } else {
                io.pending++;
                bdev.read(physical(e, off), (int) n, buf, bufOffset + done * blockSize, io);
            }
            done += n;
        }
        release(io);
    }

    public void write(long lba, int blocks, MemorySegment buf, long bufOffset, boolean fua, IoCompletion cb) {
        IoStatus bad = check(lba, blocks, buf, bufOffset, true);
        if (bad != null) {
            failEarly(cb, bad);
            return;
        }
        BlobIo io = take(IoType.WRITE, lba, blocks, buf, bufOffset, fua, cb);
        if (blob.frozen) {
            frozenQueue.add(io);
            return;
        }
        startWrite(io);
    }

    /** Makes the range read as zeroes; whole clusters of a thin blob with nothing beneath are freed. */
    public void writeZeroes(long lba, long blocks, IoCompletion cb) {
        IoStatus bad = checkRange(lba, blocks, true);
        if (bad != null) {
            failEarly(cb, bad);
            return;
        }
        BlobIo io = take(IoType.WRITE_ZEROES, lba, blocks, null, 0, false, cb);
        if (blob.frozen) {
            frozenQueue.add(io);
            return;
        }
        startWrite(io);
    }

    /**
     * Deallocates: whole clusters a thin blob owns are freed and then read as zeroes (or as the
     * snapshot beneath, for a clone); anything smaller, and thick blobs, keep their data. This is
     * NVMe deallocate with "read behaviour not reported".
     */
    public void unmap(long lba, long blocks, IoCompletion cb) {
        IoStatus bad = checkRange(lba, blocks, true);
        if (bad != null) {
            failEarly(cb, bad);
            return;
        }
        BlobIo io = take(IoType.UNMAP, lba, blocks, null, 0, false, cb);
        if (blob.frozen) {
            frozenQueue.add(io);
            return;
        }
        startWrite(io);
    }

    public void flush(IoCompletion cb) {
        core.checkCoreThread();
        if (closed) {
            core.completeLater(cb, IoStatus.ABORTED);
            return;
        }
        BlobIo io = take(IoType.FLUSH, 0, 0, null, 0, false, cb);
        track(io);
        io.pending = 1;
        startFlush(io);
    }

    private void startWrite(BlobIo io) {
        inflightWrites++;
        track(io);
        long first = io.lba & (clusterBlocks - 1);
        if (io.type == IoType.WRITE && first + io.blocks <= clusterBlocks) {
            int e = blob.map.get((int) (io.lba >>> clusterShift));
            if (e != 0) {
                bdev.write(physical(e, first), (int) io.blocks, io.buf, io.bufOffset, io);
                return;
            }
        }
        long done = 0;
        while (done < io.blocks) {
            long at = io.lba + done;
            int lc = (int) (at >>> clusterShift);
            long off = at & (clusterBlocks - 1);
            long n = Math.min(io.blocks - done, clusterBlocks - off);
            switch (io.type) {
                case WRITE -> {
                    io.pending++;
                    writeSegment(io, lc, off, n, io.bufOffset + done * blockSize);
                }
                case WRITE_ZEROES -> zeroSegment(io, lc, off, n);
                case UNMAP -> {
                    if (n == clusterBlocks && blob.thin() && blob.map.get(lc) != 0) {
                        io.pending++;
                        requestFree(lc, io);
                    }
                }
                default -> throw new IllegalStateException(io.type.toString());
            }
            done += n;
        }
        release(io);
    }

    private void writeSegment(BlobIo io, int lc, long off, long n, long bufOffset) {
        int e = blob.map.get(lc);
        if (e != 0) {
            bdev.write(physical(e, off), (int) n, io.buf, bufOffset, io);
        } else {
            requestCluster(new AllocRequest(AllocRequest.Kind.WRITE, this, lc, off, n, io.buf, bufOffset, io));
        }
    }

    private void zeroSegment(BlobIo io, int lc, long off, long n) {
        int e = blob.map.get(lc);
        if (n == clusterBlocks && blob.thin() && blob.resolveInAncestors(lc) == 0) {
            if (e != 0) {
                io.pending++;
                requestFree(lc, io);
            }
        } else if (e != 0) {
            io.pending++;
            bdev.writeZeroes(physical(e, off), n, io);
        } else if (blob.resolveInAncestors(lc) != 0) {
            io.pending++;
            requestCluster(new AllocRequest(AllocRequest.Kind.ZEROES, this, lc, off, n, null, 0, io));
        }
        // else: nothing here or beneath, it reads as zeroes already
    }

    private void startFlush(BlobIo io) {
        RuntimeException failed = store.failure();
        if (failed != null) {
            core.completeLater(io, IoStatus.INTERNAL_ERROR);
        } else if (!store.journalDirty()) {
            bdev.flush(io);
        } else {
            // mappings are waiting: the metadata commit's own flushes cover this channel's writes
            store.mdCore()
                    .execute(() -> store.commitForFlush()
                            .whenComplete((v, e) -> core.execute(
                                    () -> io.complete(e == null ? IoStatus.SUCCESS : IoStatus.INTERNAL_ERROR))));
        }
    }

    // ------------------------------------------------------------------ the first-write path

    void requestCluster(AllocRequest r) {
        store.mdCore().execute(() -> store.grants().request(r));
    }

    private void requestFree(int lc, BlobIo io) {
        store.mdCore().execute(() -> store.freeCluster(this, lc, io));
    }

    /** On this thread: the metadata thread granted {@code r.physical}; fill it. */
    void granted(AllocRequest r) {
        long base = dataBase + ((long) r.physical << clusterShift);
        boolean whole = r.kind != AllocRequest.Kind.COPY && r.offsetBlocks == 0 && r.blocks == clusterBlocks;
        int source = whole ? 0 : blob.resolveInAncestors(r.logical);
        if (source != 0) {
            sc.withClusterBuffer(b -> copyOnWrite(r, base, source, b));
            return;
        }
        Fill f = new Fill(r);
        if (r.kind == AllocRequest.Kind.WRITE) {
            f.pending++;
            bdev.write(base + r.offsetBlocks, (int) r.blocks, r.buf, r.bufOffset, f);
        } else if (r.kind == AllocRequest.Kind.ZEROES && r.dirty) {
            f.pending++;
            bdev.writeZeroes(base + r.offsetBlocks, r.blocks, f);
        }
        if (r.dirty && r.offsetBlocks > 0) {
            f.pending++;
            bdev.writeZeroes(base, r.offsetBlocks, f);
        }
        long end = r.offsetBlocks + r.blocks;
        if (r.dirty && end < clusterBlocks) {
            f.pending++;
            bdev.writeZeroes(base + end, clusterBlocks - end, f);
        }
        f.submitted();
    }

    private void copyOnWrite(AllocRequest r, long base, int source, IoBuffer b) {
        MemorySegment seg = b.segment();
        bdev.read(physical(source, 0), (int) clusterBlocks, seg, 0, st -> {
            if (!st.isSuccess()) {
                sc.giveBack(b);
                filled(r, st);
                return;
            }
            long at = r.offsetBlocks * blockSize;
            long len = r.blocks * blockSize;
            if (r.kind == AllocRequest.Kind.WRITE) {
                MemorySegment.copy(r.buf, r.bufOffset, seg, at, len);
            } else if (r.kind == AllocRequest.Kind.ZEROES) {
                seg.asSlice(at, len).fill((byte) 0);
            }
            bdev.write(base, (int) clusterBlocks, seg, 0, st2 -> {
                sc.giveBack(b);
                filled(r, st2);
            });
        });
    }

    private void filled(AllocRequest r, IoStatus st) {
        if (st.isSuccess()) {
            store.mdCore().execute(() -> store.grants().publish(r));
        } else {
            store.mdCore().execute(() -> store.grants().abort(r, st));
        }
    }

    /** On this thread: someone else mapped the cluster meanwhile, or the grant was withdrawn. */
    void retry(AllocRequest r) {
        switch (r.kind) {
            case WRITE -> {
                int e = blob.map.get(r.logical);
                if (e != 0) {
                    bdev.write(physical(e, r.offsetBlocks), (int) r.blocks, r.buf, r.bufOffset, r.done);
                } else {
                    requestCluster(r.retried());
                }
            }
            case ZEROES -> {
                int e = blob.map.get(r.logical);
                if (e != 0) {
                    bdev.writeZeroes(physical(e, r.offsetBlocks), r.blocks, r.done);
                } else if (blob.resolveInAncestors(r.logical) != 0) {
                    requestCluster(r.retried());
                } else {
                    core.completeLater(r.done, IoStatus.SUCCESS);
                }
            }
            case COPY -> {
                if (blob.map.get(r.logical) != 0 || blob.resolveInAncestors(r.logical) == 0) {
                    core.completeLater(r.done, IoStatus.SUCCESS);
                } else {
                    requestCluster(r.retried());
                }
            }
        }
    }

    /** Counts the device I/Os that fill a granted cluster. */
    private final class Fill implements IoCompletion {
        final AllocRequest r;
        int pending = 1;
        IoStatus status = IoStatus.SUCCESS;

        Fill(AllocRequest r) {
            this.r = r;
        }

        void submitted() {
            if (pending == 1) {
                core.completeLater(this, IoStatus.SUCCESS);
            } else {
                pending--;
            }
        }

        @Override
        public void complete(IoStatus st) {
            if (!st.isSuccess() && status.isSuccess()) {
                status = st;
            }
            if (--pending == 0) {
                filled(r, status);
            }
        }
    }

    // ------------------------------------------------------------------ coordination (owner thread)

    /** Runs {@code done} once no write of this channel is in flight (snapshot, merge). */
    void drain(Runnable done) {
        if (inflightWrites == 0) {
            done.run();
        } else {
            drainWaiters.add(done);
        }
    }

    /** Submits the writes held while the blob was frozen. */
    void resume() {
        while (!blob.frozen && !frozenQueue.isEmpty()) {
            startWrite(frozenQueue.poll());
        }
    }

    /** Runs {@code done} once every I/O submitted before this call has completed (RCU-style). */
    void grace(Runnable done) {
        if (graceActive) {
            graceQueued.add(done);
            return;
        }
        int old = parity;
        parity ^= 1;
        if (inflight[old] == 0) {
            done.run();
        } else {
            graceActive = true;
            graceWaiters.add(done);
        }
    }

    private void graceEnded() {
        graceActive = false;
        List<Runnable> ws = new ArrayList<>(graceWaiters);
        graceWaiters.clear();
        ws.forEach(Runnable::run);
        if (!graceQueued.isEmpty()) {
            List<Runnable> q = new ArrayList<>(graceQueued);
            graceQueued.clear();
            // one more grace period covers everyone who asked during the last one
            grace(() -> q.forEach(Runnable::run));
        }
    }

    // ------------------------------------------------------------------ requests

    private IoStatus check(long lba, int blocks, MemorySegment buf, long bufOffset, boolean write) {
        IoStatus bad = checkRange(lba, blocks, write);
        if (bad == null && (bufOffset < 0 || bufOffset > buf.byteSize() - (long) blocks * blockSize)) {
            bad = IoStatus.DATA_TRANSFER_ERROR;
        }
        return bad;
    }

    private IoStatus checkRange(long lba, long blocks, boolean write) {
        core.checkCoreThread();
        if (closed) {
            return IoStatus.ABORTED;
        }
        if (blocks <= 0) {
            return IoStatus.INVALID_FIELD;
        }
        if (lba < 0 || lba > blockCount() - blocks) {
            return IoStatus.INVALID_RANGE;
        }
        if (write && blob.readOnly()) {
            return IoStatus.READ_ONLY;
        }
        return null;
    }

    private void failEarly(IoCompletion cb, IoStatus st) {
        count(ERRORS, 1);
        core.completeLater(cb, st);
    }

    private long physical(int entry, long offsetBlocks) {
        return dataBase + ((long) (entry - 1) << clusterShift) + offsetBlocks;
    }

    private static void zero(MemorySegment buf, long at, long len) {
        while (len > 0) {
            long n = Math.min(len, ZEROES.byteSize());
            MemorySegment.copy(ZEROES, 0, buf, at, n);
            at += n;
            len -= n;
        }
    }

    private BlobIo take(
            IoType type, long lba, long blocks, MemorySegment buf, long bufOffset, boolean fua, IoCompletion cb) {
        BlobIo io = pool.poll();
        if (io == null) {
            io = new BlobIo(this);
        }
        io.type = type;
        io.lba = lba;
        io.blocks = blocks;
        io.buf = buf;
        io.bufOffset = bufOffset;
        io.fua = fua;
        io.cb = cb;
        io.status = IoStatus.SUCCESS;
        io.pending = 1;
        io.flushing = false;
        io.start = core.now();
        return io;
    }

    private void track(BlobIo io) {
        io.parity = parity;
        inflight[parity]++;
    }

    /** Drops the submission guard; completes on a later iteration if nothing else is pending. */
    private void release(BlobIo io) {
        if (io.pending == 1) {
            core.completeLater(io, IoStatus.SUCCESS);
        } else {
            io.pending--;
        }
    }

    void finish(BlobIo io) {
        if (io.type == IoType.WRITE && io.fua && io.status.isSuccess() && !io.flushing) {
            io.flushing = true;
            io.pending = 1;
            startFlush(io);
            return;
        }
        IoStatus st = io.status;
        long took = core.now() - io.start;
        switch (io.type) {
            case READ -> {
                count(READS, 1);
                count(READ_BYTES, io.blocks * blockSize);
                count(READ_NANOS, took);
            }
            case WRITE -> {
                count(WRITES, 1);
                count(WRITE_BYTES, io.blocks * blockSize);
                count(WRITE_NANOS, took);
            }
            case WRITE_ZEROES -> count(WRITE_ZEROES, 1);
            case UNMAP -> count(UNMAPS, 1);
            case FLUSH -> count(FLUSHES, 1);
        }
        if (!st.isSuccess()) {
            count(ERRORS, 1);
        }
        boolean wasWrite = io.type != IoType.READ && io.type != IoType.FLUSH;
        int p = io.parity;
        IoCompletion cb = io.cb;
        io.cb = null;
        io.buf = null;
        pool.push(io);
        if (wasWrite) {
            inflightWrites--;
        }
        inflight[p]--;
        cb.complete(st);
        if (wasWrite && inflightWrites == 0 && !drainWaiters.isEmpty()) {
            List<Runnable> ws = new ArrayList<>(drainWaiters);
            drainWaiters.clear();
            ws.forEach(Runnable::run);
        }
        if (graceActive && p != parity && inflight[p] == 0) {
            graceEnded();
        }
    }

    /** Closes the channel; it must have nothing outstanding. */
    @Override
    public void close() {
        core.checkCoreThread();
        if (closed) {
            return;
        }
        if (outstanding() != 0) {
            throw new IllegalStateException(
                    "channel to " + blob + " closed with " + outstanding() + " I/O outstanding");
        }
        closed = true;
        store.closeChannel(this);
    }

    boolean isClosed() {
        return closed;
    }

    /** A blob I/O in flight; the callback of every device I/O it was split into. */
    static final class BlobIo implements IoCompletion {
        final BlobChannel ch;
        IoType type;
        long lba;
        long blocks;
        MemorySegment buf;
        long bufOffset;
        boolean fua;
        boolean flushing;
        IoCompletion cb;
        int pending;
        int parity;
        long start;
        IoStatus status;

        BlobIo(BlobChannel ch) {
            this.ch = ch;
        }

        @Override
        public void complete(IoStatus st) {
            if (!st.isSuccess() && status.isSuccess()) {
                status = st;
            }
            if (--pending == 0) {
                ch.finish(this);
            }
        }
    }
}
