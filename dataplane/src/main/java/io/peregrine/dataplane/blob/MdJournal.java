package io.peregrine.dataplane.blob;

import io.peregrine.dataplane.blob.format.ByteSink;
import io.peregrine.dataplane.blob.format.Checkpoint;
import io.peregrine.dataplane.blob.format.LogPage;
import io.peregrine.dataplane.blob.format.MdPage;
import io.peregrine.dataplane.blob.format.MdRecord;
import io.peregrine.dataplane.blob.format.RecordCodec;
import io.peregrine.dataplane.blob.format.SuperBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Makes metadata changes durable, one commit at a time (group commit): records applied since the
 * last commit go out together, either appended to the log ring or folded into a new checkpoint.
 *
 * <p>A commit is: flush the device if the batch maps clusters whose data was just written (so a
 * crash can never leave a cluster mapped whose contents are not on disk), write the log pages or
 * the checkpoint, flush again, release the clusters the batch freed, then complete every waiter
 * (so a delete's space is free when it completes). The second flush is what makes "acknowledged after a flush" mean "survives a crash".
 *
 * <p>A checkpoint replaces the log whenever the batch would fill more than half the ring or a
 * caller asks for one; it goes to the slot not holding the newest checkpoint, so a torn
 * checkpoint leaves the previous one and its log intact (FORMAT.md §4–5). Metadata thread only.
 */
final class MdJournal {
    private static final System.Logger LOG = System.getLogger(MdJournal.class.getName());

    private final SuperBlock sb;
    private final PoolState state;
    private final MdIo io;
    private final String what;
    private final Function<List<Integer>, CompletableFuture<Void>> release;

    private long head;
    private long replayStart;
    private long generation;

    private final ByteSink pending = new ByteSink(4096);
    private int pendingRecords;
    private boolean pendingNeedsFlush;
    private List<Integer> pendingFrees = new ArrayList<>();
    private List<CompletableFuture<Void>> waiters = new ArrayList<>();
    private boolean checkpointRequested;
    private boolean cleanRequested;
    private boolean inFlight;
    private RuntimeException failure;
    private volatile boolean dirty;

    private long commits;
    private long checkpoints;

    /**
     * @param head the next LSN to write
     * @param replayStart the replay LSN of the newest durable checkpoint
     * @param generation that checkpoint's generation
     * @param release makes freed clusters available once their frees are durable; completes when they are
     */
    MdJournal(
            SuperBlock sb,
            PoolState state,
            MdIo io,
            long head,
            long replayStart,
            long generation,
            Function<List<Integer>, CompletableFuture<Void>> release) {
        this.sb = sb;
        this.state = state;
        this.io = io;
        this.head = head;
        this.replayStart = replayStart;
        this.generation = generation;
        this.release = release;
        this.what = "the metadata journal of pool " + sb.name();
    }

    /** The guard: the journal belongs to the metadata thread. */
    private void checkThread() {
        io.channel().core().checkCoreThread(what);
    }

    /**
     * Queues an applied record. {@code needsDataFlush}: the record maps clusters whose data was
     * written since the last flush, so the device must be flushed before the record is written.
     */
    void append(MdRecord r, boolean needsDataFlush) {
        checkThread();
        RecordCodec.encode(r, pending);
        pendingRecords++;
        pendingNeedsFlush |= needsDataFlush;
        dirty = true;
    }

    /** Clusters freed by records appended so far: released once those are durable. */
    void freed(List<Integer> clusters) {
        pendingFrees.addAll(clusters);
    }

    /** True while records wait or a commit is in flight; I/O threads read it to skip a round trip. */
    boolean dirty() {
        return dirty;
    }

    /** The store failed: a metadata write or flush did not complete. */
    RuntimeException failure() {
        return failure;
    }

    long head() {
        return head;
    }

    long generation() {
        return generation;
    }

    long replayStart() {
        return replayStart;
    }

    long commits() {
        return commits;
    }

    long checkpoints() {
        return checkpoints;
    }

    /** Pages of the log ring in use since the newest checkpoint. */
    long logPagesInUse() {
        return head - replayStart;
    }

    /**
     * Completes when every record appended so far is durable and a device flush submitted after
     * this call has completed.
     */
    CompletableFuture<Void> commit() {
        checkThread();
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (failure != null) {
            f.completeExceptionally(failure);
            return f;
        }
        waiters.add(f);
        dirty = true;
        cycle();
        return f;
    }

    /** Like {@link #commit}, but as a checkpoint; {@code clean} marks an orderly export. */
    CompletableFuture<Void> checkpoint(boolean clean) {
        checkpointRequested = true;
        cleanRequested |= clean;
        return commit();
    }

    private void cycle() {
        if (inFlight || waiters.isEmpty() || failure != null) {
            return;
        }
        inFlight = true;
        List<CompletableFuture<Void>> batchWaiters = waiters;
        waiters = new ArrayList<>();
        List<Integer> batchFrees = pendingFrees;
        pendingFrees = new ArrayList<>();
        boolean preFlush = pendingNeedsFlush;
        byte[] records = pending.toByteArray();
        int recordCount = pendingRecords;
        pending.clear();
        pendingRecords = 0;
        pendingNeedsFlush = false;

        int pages = (records.length + LogPage.PAYLOAD - 1) / LogPage.PAYLOAD;
        boolean asCheckpoint = checkpointRequested || head + pages - replayStart > sb.logPages() / 2;
        boolean clean = cleanRequested;
        checkpointRequested = false;
        cleanRequested = false;

        // the image is taken now, synchronously, so it holds exactly the records of this batch
        Checkpoint image = asCheckpoint ? state.checkpoint(generation + 1, head, clean) : null;
        byte[] encoded = image == null ? null : image.encode();

        CompletableFuture<Void> f = preFlush ? io.flush() : CompletableFuture.completedFuture(null);
        if (encoded != null) {
            if (encoded.length > sb.checkpointBytes()) {
                f = CompletableFuture.failedFuture(new IllegalStateException("the checkpoint needs " + encoded.length
                        + " bytes but its slot holds " + sb.checkpointBytes()));
            } else {
                long slot = (generation + 1) % 2 == 0 ? sb.checkpointOffset0() : sb.checkpointOffset1();
                f = f.thenCompose(v -> io.write(slot, encoded, 0, encoded.length));
            }
        } else if (pages > 0) {
            f = f.thenCompose(v -> writeLog(records, pages));
        }
        f = f.thenCompose(v -> io.flush());
        f.whenComplete((v, e) -> {
            inFlight = false;
            if (e != null) {
                fail(e, batchWaiters);
                return;
            }
            commits++;
            if (image != null) {
                generation++;
                replayStart = head;
                checkpoints++;
            } else {
                head += pages;
            }
            // waiters hear of the commit once its freed clusters are back in the allocator: a
            // deleted volume's space is free when the delete completes, not a moment later
            CompletableFuture<Void> released =
                    batchFrees.isEmpty() ? CompletableFuture.completedFuture(null) : release.apply(batchFrees);
            dirty = pendingRecords > 0 || !waiters.isEmpty();
            released.whenComplete((rv, re) -> {
                for (CompletableFuture<Void> w : batchWaiters) {
                    w.complete(null);
                }
            });
            if (recordCount > 0 && head - replayStart > sb.logPages() / 4 && waiters.isEmpty()) {
                // fold the log into a checkpoint while the ring has room, not when a caller waits
                checkpoint(false);
            }
            cycle();
        });
    }

    private CompletableFuture<Void> writeLog(byte[] records, int pages) {
        byte[] out = new byte[pages * MdPage.SIZE];
        for (int i = 0; i < pages; i++) {
            int from = i * LogPage.PAYLOAD;
            int n = Math.min(LogPage.PAYLOAD, records.length - from);
            System.arraycopy(
                    LogPage.encode(sb.uuid(), head + i, records, from, n).array(),
                    0,
                    out,
                    i * MdPage.SIZE,
                    MdPage.SIZE);
        }
        // the ring may wrap inside this batch: write up to its end, then from its start
        long slot = head % sb.logPages();
        int first = (int) Math.min(pages, sb.logPages() - slot);
        CompletableFuture<Void> f = io.write(sb.logOffset() + slot * MdPage.SIZE, out, 0, first * MdPage.SIZE);
        if (first < pages) {
            int rest = pages - first;
            f = f.thenCompose(v -> io.write(sb.logOffset(), out, first * MdPage.SIZE, rest * MdPage.SIZE));
        }
        return f;
    }

    private void fail(Throwable e, List<CompletableFuture<Void>> batchWaiters) {
        Throwable cause =
                e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        failure = new BlobStoreException(
                BlobStoreException.Reason.STORE_FAILED,
                "pool " + sb.name() + " stopped accepting changes: " + cause.getMessage()
                        + "; nothing acknowledged is lost, export and import the pool after fixing the device",
                cause);
        LOG.log(System.Logger.Level.ERROR, failure.getMessage(), cause);
        for (CompletableFuture<Void> w : batchWaiters) {
            w.completeExceptionally(failure);
        }
        for (CompletableFuture<Void> w : waiters) {
            w.completeExceptionally(failure);
        }
        waiters.clear();
    }
}
