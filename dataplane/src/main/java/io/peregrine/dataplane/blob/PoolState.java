package io.peregrine.dataplane.blob;

import io.peregrine.dataplane.blob.format.BlobImage;
import io.peregrine.dataplane.blob.format.Checkpoint;
import io.peregrine.dataplane.blob.format.Extent;
import io.peregrine.dataplane.blob.format.FormatException;
import io.peregrine.dataplane.blob.format.MdRecord;
import io.peregrine.dataplane.blob.format.SuperBlock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pool's metadata in memory and the one place that changes it: {@link #apply} performs a log
 * record. Live operations build a record and apply it; loading applies the checkpoint's image and
 * then the log's records; both go through the same code, so what replay rebuilds is what the live
 * store had.
 *
 * <p>Live mode differs in one way: clusters a record frees stay taken (returned to the caller)
 * until the record is durable, so no other blob can write them while a crash could still bring
 * the old owner back.
 */
final class PoolState {
    final SuperBlock sb;
    final TreeMap<Long, Blob> blobs = new TreeMap<>();
    /** Blobs by UUID, readable from any thread (channels are opened on I/O threads). */
    final ConcurrentHashMap<UUID, Blob> byUuid = new ConcurrentHashMap<>();

    final ClusterAllocator alloc;
    private boolean live;
    long hwm;
    long nextBlobId = 1;

    PoolState(SuperBlock sb, boolean live) {
        this.sb = sb;
        this.alloc = new ClusterAllocator(sb.clusterCount());
        this.live = live;
    }

    /** From now on frees wait for durability (a loaded state becomes the live one). */
    void makeLive() {
        live = true;
    }

    private void add(Blob b) {
        blobs.put(b.id, b);
        byUuid.put(b.uuid, b);
    }

    private void remove(Blob b) {
        blobs.remove(b.id);
        byUuid.remove(b.uuid);
    }

    /** Rebuilds the state a checkpoint describes; any contradiction is a {@link FormatException}. */
    static PoolState fromCheckpoint(SuperBlock sb, Checkpoint cp, boolean live) throws FormatException {
        PoolState s = new PoolState(sb, live);
        s.hwm = cp.hwm();
        s.nextBlobId = cp.nextBlobId();
        for (BlobImage img : cp.blobs()) {
            if (s.blobs.containsKey(img.id())) {
                throw new FormatException("checkpoint " + cp.generation() + ": blob " + img.id() + " appears twice");
            }
            Blob b = new Blob(img.id(), img.uuid(), null, img.flags(), img.sizeClusters());
            b.xattrs.putAll(img.xattrs());
            s.add(b);
            s.ownExtents(b, img.extents(), "checkpoint " + cp.generation());
            if (img.id() >= s.nextBlobId) {
                throw new FormatException("checkpoint " + cp.generation() + ": blob " + img.id()
                        + " is not below the next blob id " + s.nextBlobId);
            }
        }
        for (BlobImage img : cp.blobs()) {
            if (img.parentId() != 0) {
                Blob p = s.blobs.get(img.parentId());
                if (p == null) {
                    throw new FormatException("checkpoint " + cp.generation() + ": blob " + img.id() + "'s parent "
                            + img.parentId() + " does not exist");
                }
                Blob b = s.blobs.get(img.id());
                b.parent = p;
                p.children.add(b);
            }
        }
        s.checkAcyclic("checkpoint " + cp.generation());
        return s;
    }

    /** The checkpoint image of this state. */
    Checkpoint checkpoint(long generation, long replayLsn, boolean clean) {
        List<BlobImage> images = new ArrayList<>(blobs.size());
        for (Blob b : blobs.values()) {
            images.add(b.image());
        }
        return new Checkpoint(
                sb.uuid(), generation, replayLsn, clean, hwm, nextBlobId, System.currentTimeMillis(), images);
    }

    Blob blob(long id, String where) throws FormatException {
        Blob b = blobs.get(id);
        if (b == null) {
            throw new FormatException(where + ": blob " + id + " does not exist");
        }
        return b;
    }

    /**
     * Performs {@code r}. Returns the physical clusters it freed (in live mode they stay taken
     * until the caller releases them). {@code where} locates the record in messages.
     */
    List<Integer> apply(MdRecord r, String where) throws FormatException {
        List<Integer> freed = new ArrayList<>();
        switch (r) {
            case MdRecord.CreateBlob c -> {
                BlobImage img = c.image();
                if (blobs.containsKey(img.id())) {
                    throw new FormatException(where + ": blob " + img.id() + " already exists");
                }
                Blob parent = img.parentId() == 0 ? null : blob(img.parentId(), where);
                Blob b = new Blob(img.id(), img.uuid(), parent, img.flags(), img.sizeClusters());
                b.xattrs.putAll(img.xattrs());
                ownExtents(b, img.extents(), where);
                add(b);
                if (parent != null) {
                    parent.children.add(b);
                }
                nextBlobId = Math.max(nextBlobId, img.id() + 1);
            }
            case MdRecord.Alloc a -> {
                Blob b = blob(a.blob(), where);
                if (a.logical() < 0 || a.logical() >= b.sizeClusters) {
                    throw new FormatException(where + ": cluster " + a.logical() + " is outside " + b + " of "
                            + b.sizeClusters + " clusters");
                }
                if (b.map.get(a.logical()) != 0) {
                    throw new FormatException(where + ": " + b + " already has logical cluster " + a.logical());
                }
                own(b, a.physical(), where);
                b.map.set(a.logical(), a.physical());
            }
            case MdRecord.Free f -> {
                Blob b = blob(f.blob(), where);
                int e = f.logical() < 0 ? 0 : b.map.get(f.logical());
                if (e == 0) {
                    throw new FormatException(where + ": " + b + " has no logical cluster " + f.logical() + " to free");
                }
                b.map.set(f.logical(), -1);
                disown(e - 1, freed);
            }
            case MdRecord.Resize z -> {
                Blob b = blob(z.blob(), where);
                if (z.sizeClusters() < b.sizeClusters) {
                    throw new FormatException(where + ": " + b + " cannot shrink from " + b.sizeClusters + " to "
                            + z.sizeClusters() + " clusters");
                }
                b.map.grow(z.sizeClusters());
                b.sizeClusters = z.sizeClusters();
                ownExtents(b, z.added(), where);
            }
            case MdRecord.Snapshot s -> {
                Blob src = blob(s.source(), where);
                if (blobs.containsKey(s.snapshot())) {
                    throw new FormatException(where + ": snapshot blob " + s.snapshot() + " already exists");
                }
                Blob oldParent = src.parent;
                Blob snap = new Blob(
                        s.snapshot(),
                        s.uuid(),
                        oldParent,
                        src.flags | BlobImage.READ_ONLY | BlobImage.THIN,
                        src.sizeClusters);
                snap.map = src.map;
                snap.xattrs.putAll(s.xattrs());
                add(snap);
                if (oldParent != null) {
                    oldParent.children.remove(src);
                    oldParent.children.add(snap);
                }
                snap.children.add(src);
                // order matters to lock-free readers: a reader that sees the new, empty map must
                // already see the new parent (ClusterMap and Blob fields are volatile)
                src.parent = snap;
                src.map = new ClusterMap(src.sizeClusters);
                nextBlobId = Math.max(nextBlobId, s.snapshot() + 1);
            }
            case MdRecord.Clone c -> {
                Blob snap = blob(c.snapshot(), where);
                if (!snap.readOnly()) {
                    throw new FormatException(where + ": " + snap + " is not a snapshot and cannot be cloned");
                }
                if (blobs.containsKey(c.cloneId())) {
                    throw new FormatException(where + ": clone blob " + c.cloneId() + " already exists");
                }
                if (c.sizeClusters() < snap.sizeClusters) {
                    throw new FormatException(where + ": clone of " + c.sizeClusters() + " clusters is smaller than "
                            + snap + " of " + snap.sizeClusters);
                }
                Blob clone = new Blob(c.cloneId(), c.uuid(), snap, BlobImage.THIN, c.sizeClusters());
                clone.xattrs.putAll(c.xattrs());
                add(clone);
                snap.children.add(clone);
                nextBlobId = Math.max(nextBlobId, c.cloneId() + 1);
            }
            case MdRecord.Delete d -> {
                Blob b = blob(d.blob(), where);
                if (!b.children.isEmpty()) {
                    throw new FormatException(
                            where + ": " + b + " cannot be deleted, " + b.children.size() + " blobs read through it");
                }
                b.map.forEach((lc, pc) -> disown(pc, freed));
                remove(b);
                if (b.parent != null) {
                    b.parent.children.remove(b);
                }
                b.deleted = true;
            }
            case MdRecord.Merge m -> {
                Blob snap = blob(m.snapshot(), where);
                Blob child = blob(m.child(), where);
                if (snap.children.size() != 1 || snap.children.get(0) != child) {
                    throw new FormatException(where + ": " + snap + " can merge only into its single child, and "
                            + child + " is not that");
                }
                ClusterMap cm = child.map;
                long childSize = child.sizeClusters;
                snap.map.forEach((lc, pc) -> {
                    if (lc < childSize && cm.get(lc) == 0) {
                        cm.set(lc, pc); // the cluster changes hands; it stays owned
                    } else {
                        disown(pc, freed);
                    }
                });
                Blob grand = snap.parent;
                child.parent = grand;
                if (grand != null) {
                    grand.children.remove(snap);
                    grand.children.add(child);
                }
                remove(snap);
                snap.deleted = true;
            }
            case MdRecord.SetParent p -> {
                Blob b = blob(p.blob(), where);
                Blob np = p.parent() == 0 ? null : blob(p.parent(), where);
                if (b.parent != null) {
                    b.parent.children.remove(b);
                }
                b.parent = np;
                if (np != null) {
                    np.children.add(b);
                }
                checkAcyclic(where);
            }
            case MdRecord.SetXattr x -> {
                Blob b = blob(x.blob(), where);
                if (x.value() == null) {
                    b.xattrs.remove(x.key());
                } else {
                    b.xattrs.put(x.key(), x.value().clone());
                }
            }
            case MdRecord.HighWaterMark h -> {
                if (h.hwm() > sb.clusterCount()) {
                    throw new FormatException(
                            where + ": high-water mark " + h.hwm() + " beyond the " + sb.clusterCount() + " clusters");
                }
                hwm = Math.max(hwm, h.hwm());
            }
        }
        return freed;
    }

    private void ownExtents(Blob b, List<Extent> extents, String where) throws FormatException {
        for (Extent e : extents) {
            if (e.length() <= 0 || e.logical() < 0 || (long) e.logical() + e.length() > b.sizeClusters) {
                throw new FormatException(
                        where + ": " + b + " extent " + e + " is outside its " + b.sizeClusters + " clusters");
            }
            for (int i = 0; i < e.length(); i++) {
                if (b.map.get(e.logical() + i) != 0) {
                    throw new FormatException(
                            where + ": " + b + " maps logical cluster " + (e.logical() + i) + " twice");
                }
                own(b, e.physical() + i, where);
                b.map.set(e.logical() + i, e.physical() + i);
            }
        }
    }

    private void own(Blob b, long pc, String where) throws FormatException {
        if (pc < 0 || pc >= alloc.count()) {
            throw new FormatException(where + ": " + b + " maps physical cluster " + pc + ", outside the pool's "
                    + alloc.count() + " clusters");
        }
        if (!alloc.own(pc)) {
            throw new FormatException(
                    where + ": physical cluster " + pc + " is owned twice, by " + b + " and by " + ownerOf(pc, b));
        }
        hwm = Math.max(hwm, pc + 1);
    }

    private void disown(long pc, List<Integer> freed) {
        alloc.disown(pc);
        if (live) {
            freed.add((int) pc);
        } else {
            alloc.release(pc);
        }
    }

    /** The blob other than {@code except} that maps {@code pc}; for messages. */
    String ownerOf(long pc, Blob except) {
        for (Blob o : blobs.values()) {
            if (o == except) {
                continue;
            }
            int[] found = {-1};
            o.map.forEach((lc, p) -> {
                if (p == pc) {
                    found[0] = lc;
                }
            });
            if (found[0] >= 0) {
                return o + " (logical " + found[0] + ")";
            }
        }
        return "another blob";
    }

    private void checkAcyclic(String where) throws FormatException {
        for (Blob b : blobs.values()) {
            int depth = 0;
            for (Blob p = b.parent; p != null; p = p.parent) {
                if (p == b || ++depth > blobs.size()) {
                    throw new FormatException(where + ": " + b + " is its own ancestor");
                }
            }
        }
    }

    /**
     * Structural problems an offline check reports beyond what loading already refuses: parents
     * that are not snapshots, clusters above the high-water mark, mappings beyond a blob's size.
     */
    List<String> verify() {
        List<String> problems = new ArrayList<>();
        long maxOwned = -1;
        Map<Long, Long> owners = new HashMap<>();
        for (Blob b : blobs.values()) {
            if (b.parent != null && !b.parent.readOnly()) {
                problems.add(b + " reads through to " + b.parent + ", which is writable (not a snapshot)");
            }
            if (b.parent != null && !blobs.containsKey(b.parent.id)) {
                problems.add(b + "'s parent " + b.parent.id + " is not in the pool");
            }
            long size = b.sizeClusters;
            long[] max = {maxOwned};
            b.map.forEach((lc, pc) -> {
                if (lc >= size) {
                    problems.add(b + " maps logical cluster " + lc + " beyond its size of " + size + " clusters");
                }
                Long prev = owners.put((long) pc, b.id);
                if (prev != null) {
                    problems.add("physical cluster " + pc + " is owned by blob " + prev + " and by " + b);
                }
                max[0] = Math.max(max[0], pc);
            });
            maxOwned = max[0];
            if (b.id >= nextBlobId) {
                problems.add(b + " is not below the next blob id " + nextBlobId);
            }
        }
        if (maxOwned >= hwm) {
            problems.add("cluster " + maxOwned + " is owned but the high-water mark is " + hwm
                    + " (clusters above it are assumed never written)");
        }
        Set<Long> counted = new HashSet<>(owners.keySet());
        if (counted.size() != alloc.ownedCount()) {
            problems.add(
                    "the allocator counts " + alloc.ownedCount() + " owned clusters, the blobs map " + counted.size());
        }
        return problems;
    }
}
