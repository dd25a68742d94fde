package io.peregrine.nvme.dma;

import io.peregrine.nvme.os.Libc;
import io.peregrine.nvme.pci.DmaMapper;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The DMA memory of one device: regions of hugepages (or, failing that, 4 KiB pages — said loudly,
 * once) mapped into the device's IOMMU at IOVAs of our choosing, and carved into blocks for
 * queues, PRP lists and buffer pools.
 *
 * <p>Threads: {@link #allocate} and {@link #free} are control-path calls and synchronize;
 * {@link #iova} is the data-path translation and takes no lock — it reads an immutable array of
 * regions that growth replaces.
 */
public final class DmaMemory implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DmaMemory.class.getName());

    private final DmaMapper mapper;
    private final DmaOptions options;
    private final PinnedMemory pinned;
    private final IovaAllocator iovas;
    private final String owner;
    private volatile Region[] regions = new Region[0];
    private boolean warnedSmallPages;
    private boolean closed;

    public DmaMemory(DmaMapper mapper, DmaOptions options, String owner) {
        this(mapper, options, owner, Libc.linux());
    }

    DmaMemory(DmaMapper mapper, DmaOptions options, String owner, Libc libc) {
        this.mapper = mapper;
        this.options = options;
        this.owner = owner;
        this.pinned = new PinnedMemory(libc);
        this.iovas = new IovaAllocator(mapper.usableRanges());
    }

    /** Whether every region so far is hugepage-backed. */
    public boolean hugePages() {
        for (Region r : regions) if (!r.hugePages) return false;
        return true;
    }

    /** Bytes mapped for DMA, in all regions. */
    public long mappedBytes() {
        long total = 0;
        for (Region r : regions) total += r.mapping.byteSize();
        return total;
    }

    /**
     * A block of {@code size} bytes aligned to {@code alignment} (a power of two, at most 2 MiB),
     * zeroed, contiguous in IOVA space (so a device sees one range).
     */
    public synchronized DmaBlock allocate(long size, long alignment) {
        if (closed) throw new IllegalStateException("DMA memory of " + owner + " is closed");
        if (size <= 0) throw new IllegalArgumentException("size must be positive, got " + size);
        if (Long.bitCount(alignment) != 1 || alignment > DmaOptions.HUGE_PAGE) {
            throw new IllegalArgumentException("alignment must be a power of two up to 2 MiB, got " + alignment);
        }
        for (Region region : regions) {
            DmaBlock block = region.carve(size, alignment);
            if (block != null) return block;
        }
        Region grown = grow(size);
        DmaBlock block = grown.carve(size, alignment);
        if (block == null)
            throw new IllegalStateException(
                    "a new region of " + grown.mapping.byteSize() + " bytes cannot hold " + size);
        return block;
    }

    /** Returns a block to its region. */
    public synchronized void free(DmaBlock block) {
        if (closed) return;
        for (Region region : regions) {
            if (region.contains(block.segment().address(), block.size())) {
                region.release(block);
                return;
            }
        }
        throw new IllegalArgumentException("that block is not DMA memory of " + owner);
    }

    /**
     * The IOVA of {@code segment}'s first byte. The segment must lie inside DMA memory of this
     * device; this is the data path's translation (no lock, no allocation).
     */
    public long iova(MemorySegment segment) {
        return iova(segment.address(), segment.byteSize());
    }

    public long iova(long address, long length) {
        Region[] snapshot = regions;
        for (Region r : snapshot) {
            long offset = address - r.address;
            if (offset >= 0 && offset + length <= r.size) return r.iova + offset;
        }
        throw new IllegalArgumentException(
                "0x" + Long.toHexString(address) + " (+" + length + " bytes) is not DMA memory of " + owner
                        + ": buffers must come from its DmaMemory or a DmaBufferPool");
    }

    private Region grow(long size) {
        long bytes = Math.max(options.regionBytes(), roundUp(size, DmaOptions.HUGE_PAGE));
        MemorySegment mapping = pinned.hugePages(bytes, options.hugetlbfs());
        boolean huge = mapping != null;
        if (!huge) {
            String status = PinnedMemory.hugePageStatus();
            if (options.requireHugePages()) {
                throw new DmaException("no hugepages: " + bytes + " bytes of 2 MiB pages were wanted for " + owner
                        + " and the kernel has none free (" + status + "); reserve some, e.g."
                        + " echo 1024 > /proc/sys/vm/nr_hugepages (2 GiB), or allow the 4 KiB fallback");
            }
            if (!warnedSmallPages) {
                warnedSmallPages = true;
                LOG.log(
                        System.Logger.Level.WARNING,
                        "\n*** DMA memory for {0} falls back to 4 KiB pages: no hugepages ({1}).\n*** This works but"
                                + " costs 512x more IOMMU entries and TLB misses. Reserve hugepages:"
                                + " echo 1024 > /proc/sys/vm/nr_hugepages",
                        owner,
                        status);
            }
            mapping = pinned.smallPages(bytes);
        }
        Arena arena = Arena.ofShared();
        MemorySegment bound = pinned.bind(mapping, arena);
        long iova;
        try {
            iova = iovas.allocate(bytes, DmaOptions.HUGE_PAGE);
            mapper.map(bound, iova);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
        Region region = new Region(bound, arena, iova, huge);
        Region[] next = java.util.Arrays.copyOf(regions, regions.length + 1);
        next[next.length - 1] = region;
        regions = next;
        return region;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        List<RuntimeException> failures = new ArrayList<>();
        for (Region region : regions) {
            try {
                mapper.unmap(region.iova, region.size);
            } catch (RuntimeException e) {
                failures.add(e);
            }
            try {
                region.arena.close(); // unmaps; stray segments of it now throw on access
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        regions = new Region[0];
        if (!failures.isEmpty()) {
            RuntimeException first = failures.getFirst();
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    private static long roundUp(long value, long unit) {
        return (value + unit - 1) / unit * unit;
    }

    /** One mapping: first-fit over its free extents, which are coalesced on release. */
    private static final class Region {
        final MemorySegment mapping;
        final Arena arena;
        final long address;
        final long size;
        final long iova;
        final boolean hugePages;
        /** offset -> length of each free extent */
        final TreeMap<Long, Long> free = new TreeMap<>();

        Region(MemorySegment mapping, Arena arena, long iova, boolean hugePages) {
            this.mapping = mapping;
            this.arena = arena;
            this.address = mapping.address();
            this.size = mapping.byteSize();
            this.iova = iova;
            this.hugePages = hugePages;
            free.put(0L, size);
        }

        boolean contains(long addr, long length) {
            long offset = addr - address;
            return offset >= 0 && offset + length <= size;
        }

        DmaBlock carve(long length, long alignment) {
            for (Map.Entry<Long, Long> extent : free.entrySet()) {
                long start = extent.getKey();
                long end = start + extent.getValue();
                // IOVA and address share alignment up to 2 MiB: both region bases are 2 MiB aligned
                long aligned = (start + alignment - 1) & -alignment;
                if (aligned + length > end) continue;
                free.remove(start);
                if (aligned > start) free.put(start, aligned - start);
                if (aligned + length < end) free.put(aligned + length, end - aligned - length);
                MemorySegment segment = mapping.asSlice(aligned, length);
                segment.fill((byte) 0);
                return new DmaBlock(segment, iova + aligned);
            }
            return null;
        }

        void release(DmaBlock block) {
            long start = block.segment().address() - address;
            long length = block.size();
            Map.Entry<Long, Long> before = free.floorEntry(start);
            if (before != null && before.getKey() + before.getValue() > start) {
                throw new IllegalStateException("DMA block at offset " + start + " freed twice");
            }
            if (before != null && before.getKey() + before.getValue() == start) {
                free.remove(before.getKey());
                start = before.getKey();
                length += before.getValue();
            }
            Long after = free.get(start + length);
            if (after != null) {
                free.remove(start + length);
                length += after;
            }
            free.put(start, length);
        }
    }
}
