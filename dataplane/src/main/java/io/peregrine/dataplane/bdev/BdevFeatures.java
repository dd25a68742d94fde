package io.peregrine.dataplane.bdev;

/**
 * What a block device promises beyond read and write.
 *
 * @param persistent data outlives the process (false for malloc and null)
 * @param volatileWriteCache completed writes may be lost on power failure until a flush completes
 * @param fastWriteZeroes write-zeroes costs about as much as a metadata update (punch a hole,
 *     NVMe Write Zeroes with deallocate), not as much as writing the zeroes
 * @param storesData reads return what was written (false only for the null device)
 */
public record BdevFeatures(
        boolean persistent, boolean volatileWriteCache, boolean fastWriteZeroes, boolean storesData) {}
