package io.peregrine.dataplane.blob;

/**
 * Which clusters are in use. The bitmap is never written to disk: it is derived from the blobs'
 * cluster maps when a pool is loaded (FORMAT.md §7), so a cluster that was being allocated when
 * the process died is simply free again.
 *
 * <p>Two bitmaps: {@code owned} (some blob maps it) and {@code taken} (owned, or reserved for an
 * allocation in flight, or freed by a change that is not durable yet). Only clusters not taken
 * are handed out; the lowest first, which keeps the high-water mark, and the zeroing it saves,
 * low. Metadata thread only.
 */
final class ClusterAllocator {
    private final long count;
    private final long[] owned;
    private final long[] taken;
    private long takenCount;
    private long ownedCount;
    private long hint;

    ClusterAllocator(long count) {
        this.count = count;
        int words = (int) ((count + 63) >>> 6);
        this.owned = new long[words];
        this.taken = new long[words];
    }

    long count() {
        return count;
    }

    long free() {
        return count - takenCount;
    }

    long ownedCount() {
        return ownedCount;
    }

    boolean isOwned(long c) {
        return (owned[(int) (c >>> 6)] & (1L << c)) != 0;
    }

    boolean isTaken(long c) {
        return (taken[(int) (c >>> 6)] & (1L << c)) != 0;
    }

    /** The lowest cluster that is not taken, or -1 when the pool is full. Does not take it. */
    long lowestFree() {
        for (int w = (int) (hint >>> 6); w < taken.length; w++) {
            long inv = ~taken[w];
            if (inv != 0) {
                long c = ((long) w << 6) + Long.numberOfTrailingZeros(inv);
                if (c >= count) {
                    return -1;
                }
                hint = c;
                return c;
            }
        }
        return -1;
    }

    /** Reserves a free cluster for an allocation in flight. */
    void reserve(long c) {
        if (isTaken(c)) {
            throw new IllegalStateException("cluster " + c + " is already taken");
        }
        taken[(int) (c >>> 6)] |= 1L << c;
        takenCount++;
    }

    /**
     * Records that a blob owns {@code c} (reserved before, or free when loading). Returns false
     * when another blob owns it already: a double-owned cluster, which is corruption.
     */
    boolean own(long c) {
        if (isOwned(c)) {
            return false;
        }
        owned[(int) (c >>> 6)] |= 1L << c;
        ownedCount++;
        if (!isTaken(c)) {
            taken[(int) (c >>> 6)] |= 1L << c;
            takenCount++;
        }
        return true;
    }

    /** No blob owns {@code c} any more; it stays taken until {@link #release}. */
    void disown(long c) {
        if (isOwned(c)) {
            owned[(int) (c >>> 6)] &= ~(1L << c);
            ownedCount--;
        }
    }

    /** Makes {@code c} available again (an aborted reservation, or a free that became durable). */
    void release(long c) {
        if (isOwned(c)) {
            throw new IllegalStateException("cluster " + c + " is still owned");
        }
        if (isTaken(c)) {
            taken[(int) (c >>> 6)] &= ~(1L << c);
            takenCount--;
            hint = Math.min(hint, c);
        }
    }
}
