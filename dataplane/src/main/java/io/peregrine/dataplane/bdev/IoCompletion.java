package io.peregrine.dataplane.bdev;

/**
 * The callback of one asynchronous I/O (SPDK's {@code cb_fn}/{@code cb_arg} pair folded into an
 * object). It runs exactly once, on the thread that owns the channel the I/O was submitted on,
 * and never inside the submit call itself. Pooled request objects implement it, so submitting an
 * I/O allocates nothing.
 */
@FunctionalInterface
public interface IoCompletion {
    void complete(IoStatus status);
}
