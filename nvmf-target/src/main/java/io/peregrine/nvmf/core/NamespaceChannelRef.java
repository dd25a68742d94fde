package io.peregrine.nvmf.core;

import io.netty.util.concurrent.EventExecutor;
import io.peregrine.nvmf.namespace.NamespaceChannel;

/**
 * One event loop's channel to one exported namespace, with the count of requests in flight through
 * it so the channel is closed only when the namespace is gone <em>and</em> idle (the SPI's
 * promise). Confined to its loop.
 */
public final class NamespaceChannelRef {
    private final SubsystemNamespace owner;
    private final EventExecutor loop;
    private final NamespaceChannel channel;
    private int outstanding;
    private boolean closing;
    private boolean closed;

    NamespaceChannelRef(SubsystemNamespace owner, EventExecutor loop, NamespaceChannel channel) {
        this.owner = owner;
        this.loop = loop;
        this.channel = channel;
    }

    public SubsystemNamespace owner() {
        return owner;
    }

    /** Submits through the channel, counting the request until {@link #done()}. */
    public void submit(io.peregrine.nvmf.namespace.NamespaceIo io) {
        outstanding++;
        channel.submit(io);
    }

    /** One submitted request completed. */
    public void done() {
        outstanding--;
        if (closing && outstanding == 0) closeNow();
    }

    /** Whether I/O may still be submitted (the namespace is still exported). */
    public boolean usable() {
        return !closing;
    }

    void closeWhenIdle() {
        if (!loop.inEventLoop()) {
            loop.execute(this::closeWhenIdle);
            return;
        }
        closing = true;
        if (outstanding == 0) closeNow();
    }

    private void closeNow() {
        if (closed) return;
        closed = true;
        channel.close();
    }
}
