package io.peregrine.dataplane.blob;

import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.blob.format.Checkpoint;
import io.peregrine.dataplane.blob.format.SuperBlock;
import io.peregrine.dataplane.reactor.ReactorCore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A read-only look at a pool on a device, for {@code pool check}: what loading it would find and
 * rebuild, without writing anything.
 *
 * @param sb the super block
 * @param checkpoint the checkpoint that loaded
 * @param slot its slot
 * @param replayedPages log pages after it
 * @param replayedRecords records in them
 * @param logEnd why replay stopped
 * @param incompleteTailBytes bytes of a record cut off by the crash (never acknowledged)
 * @param notes things a crash leaves behind that recovery handles (torn pages, an unfinished checkpoint)
 * @param problems inconsistencies: a pool with any is damaged
 * @param blobs every blob
 * @param stats pool-wide figures as rebuilt
 */
public record Inspection(
        SuperBlock sb,
        Checkpoint.Header checkpoint,
        int slot,
        long replayedPages,
        long replayedRecords,
        String logEnd,
        int incompleteTailBytes,
        List<String> notes,
        List<String> problems,
        List<BlobInfo> blobs,
        BlobStore.Stats stats) {
    /** Loads without writing; a pool that cannot be loaded fails the future with {@link BlobStoreException}. */
    public static CompletableFuture<Inspection> of(Bdev bdev, ReactorCore core) {
        // the whole chain is built on the core's thread: see ReactorCore.call
        return core.call(() -> {
            StoreChannel ch = new StoreChannel(null, core, bdev);
            MdIo io = new MdIo(ch.bdev);
            return StoreLoader.load(io, bdev.sizeBytes())
                    .thenApply(r -> {
                        List<String> notes = new ArrayList<>(r.notes());
                        List<String> problems = new ArrayList<>(r.problems());
                        if (!r.clean()) {
                            notes.add("not exported cleanly: import will replay " + r.replayedRecords()
                                    + " log records from " + r.replayedPages()
                                    + " pages and write a recovery checkpoint");
                        }
                        if (r.incompleteTailBytes() > 0) {
                            notes.add("the log ends in " + r.incompleteTailBytes()
                                    + " bytes of a record whose write never completed (it was never acknowledged)");
                        }
                        problems.addAll(r.state().verify());
                        PoolState s = r.state();
                        List<BlobInfo> blobs = new ArrayList<>();
                        for (Blob b : s.blobs.values()) {
                            List<java.util.UUID> children = new ArrayList<>();
                            for (Blob c : b.children) {
                                children.add(c.uuid);
                            }
                            blobs.add(new BlobInfo(
                                    b.uuid,
                                    b.id,
                                    b.parent == null ? null : b.parent.uuid,
                                    List.copyOf(children),
                                    b.readOnly(),
                                    b.thin(),
                                    b.sizeClusters,
                                    b.map.allocated(),
                                    java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(b.xattrs)),
                                    0,
                                    false));
                        }
                        BlobStore.Stats stats = new BlobStore.Stats(
                                r.sb().clusterCount(),
                                s.alloc.free(),
                                s.alloc.ownedCount(),
                                s.blobs.size(),
                                s.hwm,
                                r.replayedPages(),
                                0,
                                r.checkpoint().generation());
                        return new Inspection(
                                r.sb(),
                                r.checkpoint(),
                                r.slot(),
                                r.replayedPages(),
                                r.replayedRecords(),
                                r.logEnd(),
                                r.incompleteTailBytes(),
                                List.copyOf(notes),
                                List.copyOf(problems),
                                List.copyOf(blobs),
                                stats);
                    })
                    .whenComplete((x, e) -> ch.close());
        });
    }
}
