package io.peregrine.nvmf.namespace;

import io.netty.util.concurrent.EventExecutor;

/**
 * What the target exports as an NVMe namespace: a linear array of logical blocks. The dataplane
 * implements it with logical volumes; {@link MemoryNamespace} and {@link NullNamespace} serve
 * tests and benchmarks.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>I/O goes through {@linkplain #openChannel per-event-loop channels}; nothing on the I/O
 *       path may block or allocate per request.
 *   <li>Data crosses as {@link java.lang.foreign.MemorySegment}s that view the target's pooled
 *       buffers: for a write, the bytes the host sent (copied once from the socket's receive
 *       buffer); for a read, the buffer the target then writes to the socket as it is.
 *   <li>Completions carry an NVMe Status Field which the host receives unchanged: a namespace
 *       answers {@code LBA Out of Range}, {@code Write Fault} or {@code Namespace Not Ready}
 *       itself. The target checks LBA ranges against {@link #blockCount()} before submitting, but
 *       a namespace that shrank in between must still answer, not fail.
 *   <li>When the size changes, the namespace calls {@link Listener#capacityChanged} on every
 *       listener (any thread): the target raises a Namespace Attribute Changed event and lists the
 *       namespace in the Changed Namespace List log.
 * </ul>
 */
public interface Namespace {

    /** Bytes per logical block: a power of two, at least 512. Never changes. */
    int blockSize();

    /** Current size in logical blocks. */
    long blockCount();

    /** Whether blocks are allocated on first write (Identify Namespace NSFEAT bit 0). */
    default boolean thinProvisioned() {
        return false;
    }

    /** Whether deallocated or never-written blocks read back as zeroes (DLFEAT). */
    default boolean deallocatedReadsZeroes() {
        return false;
    }

    /** Whether completed writes may sit in a volatile cache until a Flush (Identify VWC). */
    default boolean volatileWriteCache() {
        return true;
    }

    /** Opens {@code executor}'s channel; called on {@code executor}. */
    NamespaceChannel openChannel(EventExecutor executor);

    void addListener(Listener listener);

    void removeListener(Listener listener);

    /** Told about changes a host must learn of. */
    @FunctionalInterface
    interface Listener {
        void capacityChanged(Namespace namespace);
    }
}
