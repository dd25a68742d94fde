package io.peregrine.dataplane.blob;

import io.peregrine.dataplane.blob.format.BlobImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * A blob in memory: identity, size, parent and cluster map, plus what the running store needs to
 * coordinate (open channels, freeze, busy). The metadata thread changes it; I/O threads read the
 * volatile fields and the map without locks.
 *
 * <p>Read-through: where a blob has no cluster for a logical index, reads go to its parent, and
 * on up the chain; nothing anywhere reads as zeroes. Snapshots are read-only blobs; clones are
 * thin blobs whose parent is a snapshot.
 */
final class Blob {
    final long id;
    final UUID uuid;
    volatile Blob parent;
    volatile int flags;
    volatile long sizeClusters;
    volatile ClusterMap map;
    final SortedMap<String, byte[]> xattrs = new TreeMap<>();

    /** Children (blobs whose parent this is); metadata thread. */
    final List<Blob> children = new ArrayList<>();

    // ------------------------------------------------------------------ runtime only
    final CopyOnWriteArrayList<BlobChannel> channels = new CopyOnWriteArrayList<>();
    /** Writes wait while frozen (snapshot, merge); set by the metadata thread. */
    volatile boolean frozen;
    /** Set when deleted, so late opens fail. */
    volatile boolean deleted;
    /** A decouple is copying clusters into this blob; metadata thread. */
    boolean decoupling;

    /** Statistics of closed channels, indexed like {@link BlobChannel}'s. */
    final LongAdder[] retired = new LongAdder[BlobChannel.STATS];

    Blob(long id, UUID uuid, Blob parent, int flags, long sizeClusters) {
        this.id = id;
        this.uuid = uuid;
        this.parent = parent;
        this.flags = flags;
        this.sizeClusters = sizeClusters;
        this.map = new ClusterMap(sizeClusters);
        for (int i = 0; i < retired.length; i++) {
            retired[i] = new LongAdder();
        }
    }

    boolean readOnly() {
        return (flags & BlobImage.READ_ONLY) != 0;
    }

    boolean thin() {
        return (flags & BlobImage.THIN) != 0;
    }

    /**
     * The physical cluster + 1 that holds {@code lc} for reads of this blob: its own, or the
     * nearest ancestor's, or 0 (reads as zeroes). Any thread.
     */
    int resolve(int lc) {
        Blob b = this;
        while (b != null) {
            if (lc >= b.sizeClusters) {
                return 0; // ancestors are never larger at this index than their descendants
            }
            int e = b.map.get(lc);
            if (e != 0) {
                return e;
            }
            b = b.parent;
        }
        return 0;
    }

    /** Like {@link #resolve} but starting at the parent: what a copy-on-write copies from. */
    int resolveInAncestors(int lc) {
        Blob p = parent;
        return p == null ? 0 : p.resolve(lc);
    }

    BlobImage image() {
        Blob p = parent;
        return new BlobImage(id, uuid, p == null ? 0 : p.id, flags, sizeClusters, xattrs, map.extents());
    }

    @Override
    public String toString() {
        return "blob " + id + " (" + uuid + ")";
    }
}
