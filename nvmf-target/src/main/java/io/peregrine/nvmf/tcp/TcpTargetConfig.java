package io.peregrine.nvmf.tcp;

import io.peregrine.nvmf.buffer.IoBufferPools;
import java.util.Objects;

/**
 * How the TCP transport runs.
 *
 * @param buffers the per-event-loop data buffer pools
 * @param flavor the Netty transport of the event loop group (epoll, io_uring, NIO)
 * @param advertisedAddress the address Discovery log entries give hosts, or {@code null} for the
 *     listening address (or, for a wildcard listener, the address the host reached us on)
 */
public record TcpTargetConfig(IoBufferPools buffers, TransportFlavor flavor, String advertisedAddress) {
    public TcpTargetConfig {
        Objects.requireNonNull(buffers, "buffers");
        Objects.requireNonNull(flavor, "flavor");
    }
}
