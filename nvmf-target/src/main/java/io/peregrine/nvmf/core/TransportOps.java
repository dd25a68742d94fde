package io.peregrine.nvmf.core;

import io.netty.channel.EventLoop;
import java.net.SocketAddress;

/**
 * What the core needs from the transport carrying one queue (Linux nvmet's {@code
 * nvmet_fabrics_ops}, per connection). Every method but {@link #close} is called on {@link
 * #eventLoop()}.
 */
public interface TransportOps {

    /** The event loop that owns the connection and the queue on it. */
    EventLoop eventLoop();

    /**
     * Sends the completion of {@code request}: its data first when it is a successful read-type
     * command (taking the data buffer over), then the response capsule. Afterwards the transport
     * gives the request back with {@link QueuePair#release(Request)}.
     */
    void respond(Request request);

    /** Ends the connection; thread-safe, idempotent. {@code reason} goes to the log. */
    void close(String reason);

    SocketAddress localAddress();

    SocketAddress remoteAddress();
}
