package io.peregrine.nvmf.namespace;

/** What a {@link NamespaceIo} asks a namespace to do. */
public enum NamespaceOp {
    /** Read {@code blocks} blocks from {@code slba} into the buffer. */
    READ,
    /** Write {@code blocks} blocks from the buffer to {@code slba}. */
    WRITE,
    /** Make every completed write durable (NVM Command Set: Flush). */
    FLUSH,
    /** Make {@code blocks} blocks from {@code slba} read as zeroes; may deallocate them if DEAC is set. */
    WRITE_ZEROES,
    /**
     * Deallocate the ranges in the buffer ({@code ranges} Dataset Management ranges of 16 bytes,
     * {@link io.peregrine.nvme.spec.DsmRange}); a hint the namespace may ignore.
     */
    DEALLOCATE
}
