package io.peregrine.dataplane.blob;

import io.peregrine.dataplane.bdev.IoCompletion;
import java.lang.foreign.MemorySegment;

/**
 * A cluster a blob needs and does not have: the write that triggered it (or zeroes, or nothing
 * but the copy, for a decouple), on its way to the metadata thread for a grant and back. This is
 * the first-write path, not the steady state, so it is an ordinary object.
 */
final class AllocRequest {
    enum Kind {
        /** User data goes into the new cluster. */
        WRITE,
        /** The range reads as zeroes afterwards. */
        ZEROES,
        /** Only the ancestor's data is copied (decouple). */
        COPY
    }

    final Kind kind;
    final BlobChannel channel;
    final Blob blob;
    final int logical;
    final long offsetBlocks;
    final long blocks;
    final MemorySegment buf;
    final long bufOffset;
    final IoCompletion done;

    /** Granted physical cluster, set by the metadata thread. */
    int physical = -1;
    /** The granted cluster may hold old data: whatever the request does not write must be zeroed. */
    boolean dirty;

    AllocRequest(
            Kind kind,
            BlobChannel channel,
            int logical,
            long offsetBlocks,
            long blocks,
            MemorySegment buf,
            long bufOffset,
            IoCompletion done) {
        this.kind = kind;
        this.channel = channel;
        this.blob = channel.blob;
        this.logical = logical;
        this.offsetBlocks = offsetBlocks;
        this.blocks = blocks;
        this.buf = buf;
        this.bufOffset = bufOffset;
        this.done = done;
    }

    /** A fresh request for the same piece, after a grant went elsewhere. */
    AllocRequest retried() {
        return new AllocRequest(kind, channel, logical, offsetBlocks, blocks, buf, bufOffset, done);
    }

    long key() {
        return blob.id << 32 | logical;
    }
}
