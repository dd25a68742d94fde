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
    private final ConcurrentMap<EventExecutor, Entry> pools = new ConcurrentHashMap<>();
    private final SlabAllocator slabs;
    private final ByteBufAllocator alloc;
    private final int maxBuffer;

    /** A pool and, when this object made it, the arena its slabs come from. */
    private record Entry(IoBufferPool pool, Arena arena) {}

    private IoBufferPools(SlabAllocator slabs, ByteBufAllocator alloc, int maxBuffer) {
        this.slabs = slabs;
        this.alloc = alloc;
        this.maxBuffer = maxBuffer;
    }

    /** Pools whose slabs come from {@code slabs} (the dataplane's DMA memory, say). */
    public static IoBufferPools of(SlabAllocator slabs, ByteBufAllocator alloc, int maxBuffer) {
        return new IoBufferPools(slabs, alloc, maxBuffer);
    }

    /** Pools whose slabs come from arenas this object owns (one per event loop), freed by {@link #retire}/{@link #close}. */
    public static IoBufferPools arenaBacked(ByteBufAllocator alloc, int maxBuffer) {
        return new IoBufferPools(null, alloc, maxBuffer);
    }

    public int maxBuffer() {
        return maxBuffer;
    }

    /** The pool of {@code executor}, created on first use. */
    public IoBufferPool forExecutor(EventExecutor executor) {
        return pools.computeIfAbsent(executor, this::create).pool();
    }

    private Entry create(EventExecutor executor) {
        if (slabs != null) return new Entry(new IoBufferPool(executor, slabs, alloc, maxBuffer), null);
        Arena arena = Arena.ofShared();
        return new Entry(new IoBufferPool(executor, arena::allocate, alloc, maxBuffer), arena);
    }

    /** Buffers out of all pools right now; 0 once everything has been returned. */
    public int outstanding() {
        int total = 0;
        for (Entry entry : pools.values()) total += entry.pool().outstanding();
        return total;
    }

    /**
     * Drops {@code executor}'s pool (an event loop that is going away) and frees its memory when
     * this object owns it. Every buffer of that pool must have been returned.
     */
    public void retire(EventExecutor executor) {
        Entry entry = pools.remove(executor);
        if (entry == null) return;
        if (entry.pool().outstanding() != 0) {
            throw new IllegalStateException(
                    entry.pool().outstanding() + " buffers of " + executor + " are still in use");
        }
        entry.pool().close();
        if (entry.arena() != null) entry.arena().close();
    }

    /**
     * Frees the slabs this object owns. Call only after the event loops stopped: buffers still on
     * the wire would point at freed memory.
     */
    @Override
    public void close() {
        for (Entry entry : pools.values()) {
            entry.pool().close();
            if (entry.arena() != null) entry.arena().close();
        }
        pools.clear();
    }
}
