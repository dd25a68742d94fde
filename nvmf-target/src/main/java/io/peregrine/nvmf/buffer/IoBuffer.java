package io.peregrine.nvmf.buffer;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import java.lang.foreign.MemorySegment;

/**
 * One data buffer of an {@link IoBufferPool}: a Netty {@link io.netty.buffer.ByteBuf} and a
 * {@link MemorySegment} over the same memory, both created once when the pool carves its slab. The
 * target hands the segment to a namespace and the same memory, as a ByteBuf, to the socket, so a
 * read's data goes from the namespace to the wire without a copy and without allocating a view.
 *
 * <p>Reference counted like any ByteBuf: when the last reference is released (by us, or by Netty
 * once the bytes are on the wire) the buffer goes back to its pool instead of being freed.
 */
public final class IoBuffer extends UnpooledDirectByteBuf {
    private final IoBufferPool.SizeClass owner;
    private final MemorySegment segment;

    IoBuffer(ByteBufAllocator alloc, MemorySegment segment, IoBufferPool.SizeClass owner) {
        super(alloc, segment.asByteBuffer(), (int) segment.byteSize());
        this.segment = segment;
        this.owner = owner;
    }

    /** The whole buffer as a segment; a transfer uses its first {@code length} bytes. */
    public MemorySegment segment() {
        return segment;
    }

    /**
     * The native address of index 0. Netty's native transports then put the buffer straight into
     * their iovecs; without it they would make a view of it per write (an allocation per I/O).
     */
    @Override
    public boolean hasMemoryAddress() {
        return true;
    }

    @Override
    public long memoryAddress() {
        ensureAccessible();
        return segment.address();
    }

    /** Makes a recycled buffer fresh: one reference, empty, whole capacity writable. */
    IoBuffer reuse() {
        resetRefCnt();
        clear();
        return this;
    }

    @Override
    protected void deallocate() {
        // not freed: the memory belongs to the pool's slab
        owner.recycle(this);
    }
}
