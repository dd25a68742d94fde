package io.peregrine.nvmf.transport;

import io.peregrine.nvmf.core.Port;
import java.net.InetSocketAddress;

/**
 * A fabrics transport a target listens on (Linux nvmet's {@code nvmet_fabrics_ops} at the port
 * level). Each accepted connection becomes a {@link io.peregrine.nvmf.core.QueuePair} fed through
 * {@link io.peregrine.nvmf.core.TransportOps}; the transport frames PDUs and moves data, the core
 * does everything NVMe.
 */
public interface Transport extends AutoCloseable {

    /** The transport type, as {@code nvme connect -t} names it. */
    String type();

    /**
     * Starts listening on {@code address} (port 0: any free port) and returns the port as hosts
     * see it. Blocks until bound; never call it on an event loop.
     */
    Port listen(InetSocketAddress address);

    /** Stops listening on {@code port}; connections made through it stay up. */
    void unlisten(Port port);

    /** Stops listening everywhere and closes every connection. */
    @Override
    void close();
}
