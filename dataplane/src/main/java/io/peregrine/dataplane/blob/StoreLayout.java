package io.peregrine.dataplane.blob;

import io.peregrine.dataplane.bdev.Sizes;
import io.peregrine.dataplane.blob.format.Extent;
import io.peregrine.dataplane.blob.format.MdPage;
import io.peregrine.dataplane.blob.format.SuperBlock;
import java.util.UUID;

/**
 * Where things go on a new pool (FORMAT.md §3): two super block copies, two checkpoint slots
 * sized for the worst case, the log ring, then the clusters from the first cluster boundary.
 */
final class StoreLayout {
    /** Metadata budget per blob in a checkpoint slot (names, xattrs, headers), on average. */
    static final long BLOB_BUDGET_MIN = 1 << 20;

    static final long BLOB_BUDGET_PER_CLUSTER = 128;
    static final long LOG_PAGES_MIN = 256;
    static final long LOG_PAGES_MAX = 16384;

    private StoreLayout() {}

    /** Bytes of a checkpoint slot for {@code clusters} clusters. */
    static long checkpointBytes(long clusters) {
        long body = clusters * Extent.BYTES + blobBudget(clusters);
        return MdPage.SIZE + roundUp(body, MdPage.SIZE);
    }

    /** What blob headers, names and xattrs may take in a checkpoint, extents aside. */
    static long blobBudget(long clusters) {
        return Math.max(BLOB_BUDGET_MIN, clusters * BLOB_BUDGET_PER_CLUSTER);
    }

    static SuperBlock compute(String name, long deviceBytes, int blockSize, int clusterSize) {
        if (Integer.bitCount(clusterSize) != 1 || clusterSize < MdPage.SIZE || clusterSize < blockSize) {
            throw new IllegalArgumentException("cluster size " + clusterSize
                    + " must be a power of two of at least 4 KiB and the block size; the default is 4 MiB");
        }
        long upper = deviceBytes / clusterSize;
        long ckpt = checkpointBytes(upper);
        long logPages = Math.min(LOG_PAGES_MAX, Math.max(LOG_PAGES_MIN, upper / 4));
        long ckpt0 = 2L * MdPage.SIZE;
        long ckpt1 = ckpt0 + ckpt;
        long log = ckpt1 + ckpt;
        long data = roundUp(log + logPages * MdPage.SIZE, clusterSize);
        long clusters = (deviceBytes - data) / clusterSize;
        if (clusters < 1) {
            throw new IllegalArgumentException("the device holds " + Sizes.format(deviceBytes) + ", too small for "
                    + "the pool's metadata (" + Sizes.format(data) + ") and one " + Sizes.format(clusterSize)
                    + " cluster; use a larger device or a smaller cluster size");
        }
        if (clusters > Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException("the device holds " + clusters + " clusters of "
                    + Sizes.format(clusterSize) + ", more than " + (Integer.MAX_VALUE - 1) + "; use larger clusters");
        }
        return new SuperBlock(
                UUID.randomUUID(),
                name,
                System.currentTimeMillis(),
                clusterSize,
                blockSize,
                clusters,
                data,
                ckpt0,
                ckpt1,
                ckpt,
                log,
                logPages,
                deviceBytes);
    }

    static long roundUp(long v, long unit) {
        return (v + unit - 1) / unit * unit;
    }
}
