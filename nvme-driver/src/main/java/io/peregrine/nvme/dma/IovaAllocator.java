package io.peregrine.nvme.dma;

import io.peregrine.nvme.pci.IovaRange;
import java.util.List;

/**
 * Hands out I/O virtual addresses from the ranges the IOMMU allows, never reusing one (regions
 * live as long as their {@link DmaMemory}). It prefers addresses at or above 4 GiB so IOVAs never
 * sit near 0 or the x86 MSI window at 0xFEE00000, and falls back to the lowest usable address
 * above 1 MiB when the aperture is smaller.
 */
final class IovaAllocator {

    private static final long PREFERRED_BASE = 1L << 32;
    private static final long LOWEST = 1L << 20;

    private final List<IovaRange> ranges;
    private int range;
    private long next;

    IovaAllocator(List<IovaRange> ranges) {
        if (ranges.isEmpty()) throw new IllegalArgumentException("the IOMMU reports no usable IOVA range");
        this.ranges = List.copyOf(ranges);
        this.range = 0;
        this.next = -1;
        for (int i = 0; i < this.ranges.size(); i++) {
            IovaRange r = this.ranges.get(i);
            if (Long.compareUnsigned(r.last(), PREFERRED_BASE) >= 0) {
                range = i;
                next = Math.max(r.first(), PREFERRED_BASE);
                return;
            }
        }
        next = Math.max(this.ranges.getFirst().first(), LOWEST);
    }

    /** {@code size} bytes of IOVA space aligned to {@code alignment} (a power of two). */
    long allocate(long size, long alignment) {
        while (range < ranges.size()) {
            IovaRange r = ranges.get(range);
            long start = align(Math.max(next, r.first()), alignment);
            if (r.contains(start, size)) {
                next = start + size;
                return start;
            }
            range++;
            if (range < ranges.size()) next = ranges.get(range).first();
        }
        throw new DmaException("the IOMMU has no IOVA space left for " + size + " more bytes (usable: " + ranges + ")");
    }

    private static long align(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }
}
