package io.peregrine.nvme.emu;

import io.peregrine.nvme.pci.DmaMapper;
import io.peregrine.nvme.pci.IovaRange;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The model's IOMMU: what the host mapped at which IOVA. The controller translates every queue
 * and PRP address through it, so an address the host never mapped fails the command with a Data
 * Transfer Error instead of touching arbitrary memory (a real IOMMU would fault it).
 *
 * <p>Mapping changes come from the host's threads, lookups from the model's thread: the table is
 * an immutable array replaced on change. An unmap waits for the model's current step (the model
 * holds {@link #lock()} while it runs one) and tells it which memory went away, so the model never
 * touches memory the host has given back to the kernel — where a device would take an IOMMU
 * fault, the model reports controller fatal status.
 */
final class EmuDmaTable implements DmaMapper {

    /** One mapping; lookups answer it so the caller copies at an offset without slicing. */
    record Mapping(long iova, MemorySegment memory) {
        long end() {
            return iova + memory.byteSize();
        }
    }

    private static final List<IovaRange> RANGES = List.of(new IovaRange(1L << 20, (1L << 48) - 1));

    private volatile Mapping[] mappings = new Mapping[0];
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Consumer<Mapping> onUnmap = m -> {};

    /** Held by the model for each step, and by {@link #unmap} while it removes a mapping. */
    ReentrantLock lock() {
        return lock;
    }

    void onUnmap(Consumer<Mapping> listener) {
        this.onUnmap = listener;
    }

    @Override
    public void map(MemorySegment memory, long iova) {
        if (iova % 4096 != 0 || memory.byteSize() % 4096 != 0) {
            throw new IllegalArgumentException("DMA mappings must be 4 KiB aligned and sized");
        }
        lock.lock();
        try {
            for (Mapping m : mappings) {
                if (iova < m.end() && m.iova() < iova + memory.byteSize()) {
                    throw new IllegalStateException("IOVA 0x" + Long.toHexString(iova) + " is already mapped");
                }
            }
            Mapping[] next = Arrays.copyOf(mappings, mappings.length + 1);
            next[next.length - 1] = new Mapping(iova, memory);
            Arrays.sort(next, (a, b) -> Long.compare(a.iova(), b.iova()));
            mappings = next;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void unmap(long iova, long size) {
        lock.lock();
        try {
            Mapping[] current = mappings;
            for (int i = 0; i < current.length; i++) {
                if (current[i].iova() == iova && current[i].memory().byteSize() == size) {
                    Mapping[] next = new Mapping[current.length - 1];
                    System.arraycopy(current, 0, next, 0, i);
                    System.arraycopy(current, i + 1, next, i, current.length - i - 1);
                    mappings = next;
                    onUnmap.accept(current[i]);
                    return;
                }
            }
        } finally {
            lock.unlock();
        }
        throw new IllegalArgumentException(
                "nothing is mapped at IOVA 0x" + Long.toHexString(iova) + " (" + size + " bytes)");
    }

    /** The mapping holding [{@code iova}, {@code iova + length}), or {@code null}. */
    Mapping find(long iova, long length) {
        Mapping[] snapshot = mappings;
        for (Mapping m : snapshot) {
            if (iova >= m.iova() && iova + length <= m.end() && length >= 0) return m;
        }
        return null;
    }

    @Override
    public List<IovaRange> usableRanges() {
        return RANGES;
    }

    @Override
    public long pageSize() {
        return 4096;
    }
}
