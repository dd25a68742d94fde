package io.peregrine.nvme.dma;

import java.lang.foreign.MemorySegment;

/** A piece of DMA memory: where the CPU sees it and the IOVA the device uses for its first byte. */
public record DmaBlock(MemorySegment segment, long iova) {

    public long size() {
        return segment.byteSize();
    }

    /** The IOVA of byte {@code offset} of this block. */
    public long iova(long offset) {
        return iova + offset;
    }
}
