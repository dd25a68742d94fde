package io.peregrine.dataplane.lvol;

import io.peregrine.dataplane.blob.BlobStore;

/**
 * How to create a pool.
 *
 * @param name the pool's name
 * @param clusterSize bytes per cluster (power of two, at least 4 KiB; default 4 MiB)
 * @param force overwrite whatever pool the device holds
 */
public record PoolOptions(String name, int clusterSize, boolean force) {
    public static PoolOptions named(String name) {
        return new PoolOptions(name, BlobStore.DEFAULT_CLUSTER_SIZE, false);
    }

    public PoolOptions withClusterSize(int bytes) {
        return new PoolOptions(name, bytes, force);
    }

    public PoolOptions withForce(boolean f) {
        return new PoolOptions(name, clusterSize, f);
    }
}
