package io.peregrine.nvmf.buffer;

import java.lang.foreign.MemorySegment;

/**
 * Where an {@link IoBufferPool} gets its memory, a slab at a time. The default takes it from a
 * shared {@link java.lang.foreign.Arena}; the dataplane supplies DMA-able memory (hugepages mapped
 * into the IOMMU) so that network data lands where an NVMe controller can read it directly.
 */
@FunctionalInterface
public interface SlabAllocator {
    /** A zero-filled or garbage-filled segment of exactly {@code bytes}, aligned to {@code alignment}. */
    MemorySegment allocate(long bytes, long alignment);
}
