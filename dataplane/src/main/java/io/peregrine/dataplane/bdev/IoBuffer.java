package io.peregrine.dataplane.bdev;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Memory a block device can transfer to and from directly: aligned as the device needs, native,
 * and accessible from every thread. A device that needs special memory (DMA-mapped hugepages for
 * the NVMe driver) hands out its own; the rest use {@link #allocate}. Closing returns the memory.
 */
public final class IoBuffer implements AutoCloseable {
    private final MemorySegment segment;
    private final Runnable release;
    private boolean closed;

    public IoBuffer(MemorySegment segment, Runnable release) {
        this.segment = Objects.requireNonNull(segment, "segment");
        this.release = Objects.requireNonNull(release, "release");
    }

    /** Zeroed native memory from its own shared arena, aligned to {@code alignment}. */
    public static IoBuffer allocate(long bytes, long alignment) {
        Arena arena = Arena.ofShared();
        try {
            return new IoBuffer(arena.allocate(bytes, alignment), arena::close);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    public MemorySegment segment() {
        return segment;
    }

    public long byteSize() {
        return segment.byteSize();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            release.run();
        }
    }
}
