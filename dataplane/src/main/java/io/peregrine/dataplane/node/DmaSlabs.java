package io.peregrine.dataplane.node;

import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.bdev.nvme.NvmeBdev;
import io.peregrine.nvme.dma.DmaMemory;
import io.peregrine.nvmf.buffer.SlabAllocator;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Where the NVMe/TCP target's data buffers come from. When a pool sits on a {@code pcie://}
 * controller, from that controller's DMA memory (hugepages mapped into its IOMMU): the one copy a
 * write makes, from the socket into the buffer, then lands where the controller reads it, and the
 * volume hands the buffer to the device without a bounce. Otherwise from ordinary native memory.
 *
 * <p>Buffer pools grow a slab at a time and keep their slabs, so the choice is made per slab: a
 * node whose first NVMe pool is imported after connections were served keeps some ordinary slabs
 * (their I/O is bounced, correctly). DMA memory belongs to one controller's IOMMU domain; with
 * several NVMe pools, the first one's memory is used and the others bounce.
 */
final class DmaSlabs implements SlabAllocator {
    private static final System.Logger LOG = System.getLogger(DmaSlabs.class.getName());

    private final Arena arena = Arena.ofShared();
    private volatile Supplier<Stream<Bdev>> devices = Stream::empty;
    private Bdev source;
    private long dmaBytes;
    private long plainBytes;

    void devices(Supplier<Stream<Bdev>> source) {
        this.devices = source;
    }

    @Override
    public synchronized MemorySegment allocate(long bytes, long alignment) {
        NvmeBdev nvme = source instanceof NvmeBdev n
                ? n
                : devices.get()
                        .filter(d -> d instanceof NvmeBdev)
                        .map(d -> (NvmeBdev) d)
                        .findFirst()
                        .orElse(null);
        if (nvme != null) {
            try {
                DmaMemory dma = nvme.device().dmaMemory();
                MemorySegment s = dma.allocate(bytes, Math.max(alignment, 4096)).segment();
                source = nvme;
                dmaBytes += bytes;
                return s;
            } catch (RuntimeException e) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "no DMA memory for a " + bytes + "-byte data buffer slab (" + e.getMessage()
                                + "); using ordinary memory, so this slab's I/O is copied through bounce buffers");
            }
        }
        plainBytes += bytes;
        return arena.allocate(bytes, alignment);
    }

    /**
     * Whether slabs live in {@code bdev}'s DMA memory: then the device must stay open (its memory
     * mapped) for as long as the target runs, even when its pool is exported.
     */
    synchronized boolean holds(Bdev bdev) {
        return bdev != null && bdev == source;
    }

    /** Bytes of data buffer slabs in DMA memory. */
    synchronized long dmaBytes() {
        return dmaBytes;
    }

    /** Bytes of data buffer slabs in ordinary memory. */
    synchronized long plainBytes() {
        return plainBytes;
    }

    /** Frees the ordinary slabs; only after the event loops stopped. */
    void close() {
        arena.close();
    }
}
