package io.peregrine.dataplane.blob;

import io.peregrine.dataplane.bdev.IoStatus;
import io.peregrine.dataplane.blob.format.MdRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * The metadata thread's side of allocate-on-first-write. For each request: if the cluster got
 * mapped meanwhile, retry; if another request is filling it, wait for that one; otherwise reserve
 * the lowest free cluster and hand it to the requesting thread to fill. When the fill is done the
 * cluster is mapped and an {@code Alloc} record queued; the write completes then, and a later
 * flush makes the mapping durable (after the data: see {@link MdJournal}).
 *
 * <p>High-water mark: clusters at or above it were never written, so they need no zeroing. Before
 * a cluster at or above the durable mark is handed out, a raised mark is committed, so a crash
 * after the cluster was written but before it was mapped can never leave written data above the
 * mark, where a later allocation would trust it to be zeroes.
 */
final class ClusterGrants {
    private final BlobStore store;
    private final PoolState state;
    private final HashMap<Long, List<AllocRequest>> inProgress = new HashMap<>();
    private final ArrayDeque<AllocRequest> waitingForMark = new ArrayDeque<>();
    private final long markStep;
    private boolean raisingMark;
    private long durableMark;
    private long cleanFrom;

    ClusterGrants(BlobStore store, PoolState state, boolean zeroedAboveMark) {
        this.store = store;
        this.state = state;
        this.durableMark = state.hwm;
        this.cleanFrom = zeroedAboveMark ? state.hwm : state.sb.clusterCount();
        this.markStep = Math.max(16, state.sb.clusterCount() / 128);
    }

    /** Clusters in the middle of being filled. */
    int inProgress() {
        return inProgress.size();
    }

    long durableMark() {
        return durableMark;
    }

    void request(AllocRequest r) {
        store.checkMetadataThread();
        if (store.failure() != null) {
            failed(r, IoStatus.INTERNAL_ERROR);
            return;
        }
        if (r.blob.deleted) {
            failed(r, IoStatus.ABORTED);
            return;
        }
        if (r.blob.map.get(r.logical) != 0) {
            retry(r);
            return;
        }
        List<AllocRequest> waiters = inProgress.get(r.key());
        if (waiters != null) {
            waiters.add(r);
            return;
        }
        if (raisingMark || !waitingForMark.isEmpty()) {
            waitingForMark.add(r);
            return;
        }
        long c = state.alloc.lowestFree();
        if (c < 0) {
            failed(r, IoStatus.CAPACITY_EXCEEDED);
            return;
        }
        if (c >= durableMark) {
            waitingForMark.add(r);
            raiseMark(c);
            return;
        }
        state.alloc.reserve(c);
        r.physical = (int) c;
        r.dirty = c < cleanFrom;
        cleanFrom = Math.max(cleanFrom, c + 1);
        inProgress.put(r.key(), new ArrayList<>());
        r.channel.core.execute(() -> r.channel.granted(r));
    }

    /**
     * Reserves {@code count} clusters for a thick blob, lowest first; returns them with the ones
     * that may hold old data flagged in {@code dirty}. The caller maps them in a record that
     * implicitly raises the mark, and zeroes the dirty ones before that record is written.
     */
    long[] reserveThick(long count, List<Long> dirty) {
        long[] out = new long[(int) count];
        for (int i = 0; i < count; i++) {
            long c = state.alloc.lowestFree();
            state.alloc.reserve(c);
            out[i] = c;
            if (c < cleanFrom) {
                dirty.add(c);
            }
        }
        for (long c : out) {
            cleanFrom = Math.max(cleanFrom, c + 1);
        }
        return out;
    }

    /** The state's mark became durable through some other commit (a thick create, a checkpoint). */
    void markCommitted(long mark) {
        durableMark = Math.max(durableMark, mark);
    }

    private void raiseMark(long c) {
        raisingMark = true;
        long mark = Math.min(state.sb.clusterCount(), Math.max(c + 1, durableMark + markStep));
        MdRecord.HighWaterMark rec = new MdRecord.HighWaterMark(mark);
        store.applyLive(rec, false);
        store.journal().commit().whenComplete((v, e) -> {
            raisingMark = false;
            List<AllocRequest> queued = new ArrayList<>(waitingForMark);
            waitingForMark.clear();
            if (e != null) {
                queued.forEach(q -> failed(q, IoStatus.INTERNAL_ERROR));
                return;
            }
            durableMark = Math.max(durableMark, mark);
            queued.forEach(this::request);
        });
    }

    /** The requester filled the cluster: map it, queue the record, let the write complete. */
    void publish(AllocRequest r) {
        store.checkMetadataThread();
        List<AllocRequest> waiters = inProgress.remove(r.key());
        store.applyLive(new MdRecord.Alloc(r.blob.id, r.logical, r.physical), true);
        r.channel.core.execute(() -> r.done.complete(IoStatus.SUCCESS));
        if (waiters != null) {
            waiters.forEach(this::retry);
        }
    }

    /** The fill failed: give the cluster back (it may be half written: it is below cleanFrom). */
    void abort(AllocRequest r, IoStatus st) {
        store.checkMetadataThread();
        List<AllocRequest> waiters = inProgress.remove(r.key());
        state.alloc.release(r.physical);
        failed(r, st);
        if (waiters != null) {
            waiters.forEach(this::retry);
        }
    }

    private void retry(AllocRequest r) {
        r.channel.core.execute(() -> r.channel.retry(r));
    }

    private void failed(AllocRequest r, IoStatus st) {
        r.channel.core.execute(() -> r.done.complete(st));
    }
}
