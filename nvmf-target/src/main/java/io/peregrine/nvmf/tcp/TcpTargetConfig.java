package io.peregrine.nvmf.tcp;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.peregrine.nvmf.buffer.IoBufferPools;
import java.util.Objects;

/**
 * How the TCP transport runs.
 *
 * @param buffers the per-event-loop data buffer pools
 * @param flavor the Netty transport of the event loop group (epoll, io_uring, NIO)
 * @param advertisedAddress the address Discovery log entries give hosts, or {@code null} for the
 *     listening address (or, for a wildcard listener, the address the host reached us on)
 * @param allocator the connections' buffers (receive buffers, PDU headers); Netty's pooled
 *     allocator, because the adaptive one makes an NIO view whenever a partial PDU is merged with
 *     the next read -- an allocation per I/O
 */
public record TcpTargetConfig(
        IoBufferPools buffers, TransportFlavor flavor, String advertisedAddress, ByteBufAllocator allocator) {
    public TcpTargetConfig {
        Objects.requireNonNull(buffers, "buffers");
        Objects.requireNonNull(flavor, "flavor");
        Objects.requireNonNull(allocator, "allocator");
    }

    /** With Netty's pooled allocator (see {@link #allocator()}). */
    public TcpTargetConfig(IoBufferPools buffers, TransportFlavor flavor, String advertisedAddress) {
        this(buffers, flavor, advertisedAddress, PooledByteBufAllocator.DEFAULT);
    }
}
