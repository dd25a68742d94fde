package io.peregrine.dataplane.lvol;

/**
 * I/O counters of a volume since its pool was imported, summed over every reactor. Latencies are
 * sums (divide by the op counts for means), measured from the reactor iteration that submitted an
 * I/O to the one that completed it.
 */
public record VolumeStats(
        String name,
        long reads,
        long readBytes,
        long writes,
        long writeBytes,
        long writeZeroes,
        long unmaps,
        long flushes,
        long errors,
        long readLatencyNanos,
        long writeLatencyNanos,
        long allocatedBytes) {}
