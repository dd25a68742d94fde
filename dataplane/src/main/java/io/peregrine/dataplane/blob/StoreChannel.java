package io.peregrine.dataplane.blob;

import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.bdev.BdevChannel;
import io.peregrine.dataplane.bdev.IoBuffer;
import io.peregrine.dataplane.reactor.ReactorCore;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One reactor's share of a store: its channel to the device and the cluster-sized buffers its
 * copy-on-write operations use. Every {@link BlobChannel} on that reactor goes through it.
 * Owner thread only.
 */
final class StoreChannel {
    /** Copy-on-write copies in flight per reactor; more wait, so a burst cannot eat the heap. */
    static final int MAX_COPIES = 16;

    private static final int KEEP_BUFFERS = 2;

    private BlobStore store;
    final ReactorCore core;
    final BdevChannel bdev;
    private final Bdev device;
    private final ArrayDeque<IoBuffer> buffers = new ArrayDeque<>();
    private final ArrayDeque<Runnable> waitingForBuffer = new ArrayDeque<>();
    private int buffersOut;
    int refs;

    /** Opens the device channel; call on {@code core}'s thread. {@code store} may follow via {@link #attach}. */
    StoreChannel(BlobStore store, ReactorCore core, Bdev device) {
        this.store = store;
        this.core = core;
        this.device = device;
        this.bdev = device.openChannel(core);
    }

    void attach(BlobStore s) {
        this.store = s;
    }

    /** Runs {@code user} with a cluster buffer once one is free; give it back with {@link #giveBack}. */
    void withClusterBuffer(Consumer<IoBuffer> user) {
        if (buffersOut >= MAX_COPIES) {
            waitingForBuffer.add(() -> withClusterBuffer(user));
            return;
        }
        buffersOut++;
        IoBuffer b = buffers.poll();
        if (b == null) {
            b = device.allocateBuffer(store.superBlock().clusterSize());
        }
        user.accept(b);
    }

    void giveBack(IoBuffer b) {
        buffersOut--;
        if (buffers.size() < KEEP_BUFFERS) {
            buffers.push(b);
        } else {
            b.close();
        }
        Runnable next = waitingForBuffer.poll();
        if (next != null) {
            next.run();
        }
    }

    /** Tells the device a byte range is unused; failures are ignored, it is only a hint. */
    CompletableFuture<Void> unmapQuietly(long offset, long length) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        int bs = device.blockSize();
        bdev.unmap(offset / bs, length / bs, st -> f.complete(null));
        return f;
    }

    void close() {
        for (IoBuffer b : buffers) {
            b.close();
        }
        buffers.clear();
        bdev.close();
    }
}
