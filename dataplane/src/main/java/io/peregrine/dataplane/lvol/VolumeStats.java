package io.peregrine.dataplane.lvol;

/** I/O counters of a volume since its pool was imported, summed over every reactor. */
public record VolumeStats(
        String name,
        long reads,
        long readBytes,
        long writes,
        long writeBytes,
        long unmaps,
        long flushes,
        long errors,
        long allocatedBytes) {}
