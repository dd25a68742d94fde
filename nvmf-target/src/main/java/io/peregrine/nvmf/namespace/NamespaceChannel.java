package io.peregrine.nvmf.namespace;

/**
 * One event loop's handle on a namespace (SPDK's io_channel): opened on, and used only from, the
 * loop it was opened for, so a namespace can keep per-thread state (its own NVMe queue pair, say)
 * without locks.
 *
 * <p>{@link #submit} must not block and must not throw for an I/O error: every failure is a
 * completion with an NVMe status. It may complete the request before it returns (a memory
 * namespace does) or later on any thread (the target then hops back to its loop).
 */
public interface NamespaceChannel extends AutoCloseable {

    void submit(NamespaceIo io);

    /** Releases the channel; called on its loop once no request submitted through it is outstanding. */
    @Override
    void close();
}
