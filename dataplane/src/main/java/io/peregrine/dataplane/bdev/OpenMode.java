package io.peregrine.dataplane.bdev;

/** How a device is opened: for a pool that runs on it, or for an offline look (pool check). */
public enum OpenMode {
    /** Read and write, and exclusive: a second opener is refused while this one lives. */
    READ_WRITE,
    /** Read only, shared with other readers but refused while a writer has it. */
    READ_ONLY
}
