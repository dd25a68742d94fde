package io.peregrine.dataplane.lvol;

import java.util.UUID;

/** A pool's identity and capacity. */
public record PoolInfo(
        String name,
        UUID uuid,
        String device,
        int clusterSize,
        long totalBytes,
        long freeBytes,
        long allocatedBytes,
        int volumes,
        int snapshots) {}
