package io.peregrine.nvmf.buffer;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import java.lang.foreign.Arena;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One {@link IoBufferPool} per event loop, made on first use. A connection looks its loop's pool
 * up once, when it is registered, and keeps it.
 */
public final class IoBufferPools implements AutoCloseable {
    private final ConcurrentMap<EventExecutor, IoBufferPool> pools = new ConcurrentHashMap<>();
    private final SlabAllocator slabs;
    private final ByteBufAllocator alloc;
    private final int maxBuffer;
    private final Arena arena;

    private IoBufferPools(SlabAllocator slabs, Arena arena, ByteBufAllocator alloc, int maxBuffer) {
        this.slabs = slabs;
        this.arena = arena;
        this.alloc = alloc;
        this.maxBuffer = maxBuffer;
    }

    /** Pools whose slabs come from {@code slabs} (the dataplane's DMA memory, say). */
    public static IoBufferPools of(SlabAllocator slabs, ByteBufAllocator alloc, int maxBuffer) {
        return new IoBufferPools(slabs, null, alloc, maxBuffer);
    }

    /** Pools whose slabs come from a shared arena this object owns and frees at {@link #close()}. */
    public static IoBufferPools arenaBacked(ByteBufAllocator alloc, int maxBuffer) {
        Arena arena = Arena.ofShared();
        return new IoBufferPools(arena::allocate, arena, alloc, maxBuffer);
    }

    public int maxBuffer() {
        return maxBuffer;
    }

    /** The pool of {@code executor}, created on first use. */
    public IoBufferPool forExecutor(EventExecutor executor) {
        return pools.computeIfAbsent(executor, e -> new IoBufferPool(e, slabs, alloc, maxBuffer));
    }

    /** Buffers out of all pools right now; 0 once everything has been returned. */
    public int outstanding() {
        int total = 0;
        for (IoBufferPool pool : pools.values()) total += pool.outstanding();
        return total;
    }

    /**
     * Frees the slabs (when this object owns them). Call only after the event loops stopped:
     * buffers still on the wire would point at freed memory.
     */
    @Override
    public void close() {
        pools.values().forEach(IoBufferPool::close);
        pools.clear();
        if (arena != null) arena.close();
    }
}
