package io.peregrine.nvmf.host;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.peregrine.nvmf.tcp.SpinPolicy;
import io.peregrine.nvmf.tcp.TransportFlavor;
import java.util.concurrent.TimeUnit;

/**
 * A Java NVMe/TCP host (initiator): connects controllers of remote subsystems over an event loop
 * group it owns or is given. One host serves any number of controllers; each queue of each
 * controller is a connection on one of the group's event loops.
 */
public final class NvmeTcpHost implements AutoCloseable {
    /** The largest data transfer a host command may carry (the decoder's C2HData limit). */
    static final int MAX_TRANSFER = 8 << 20;

    private final EventLoopGroup group;
    private final TransportFlavor flavor;
    private final boolean ownsGroup;

    private NvmeTcpHost(EventLoopGroup group, TransportFlavor flavor, boolean ownsGroup) {
        this.group = group;
        this.flavor = flavor;
        this.ownsGroup = ownsGroup;
    }

    /** A host with its own group of {@code threads} event loops (epoll when available). */
    public static NvmeTcpHost create(int threads) {
        return create(threads, SpinPolicy.micros(0));
    }

    /** Like {@link #create(int)}, with event loops that poll per {@code spin}. */
    public static NvmeTcpHost create(int threads, SpinPolicy spin) {
        TransportFlavor flavor = TransportFlavor.preferred();
        return new NvmeTcpHost(flavor.newGroup(threads, "nvmf-host", spin), flavor, true);
    }

    /** A host on the caller's group (which it does not shut down). */
    public static NvmeTcpHost on(EventLoopGroup group, TransportFlavor flavor) {
        TransportFlavor known = flavor != null ? flavor : TransportFlavor.of(group);
        if (known == null) throw new IllegalArgumentException("cannot tell the group's transport; pass its flavor");
        return new NvmeTcpHost(group, known, false);
    }

    public EventLoopGroup eventLoopGroup() {
        return group;
    }

    /**
     * Connects a controller: admin queue, enable, identify, then the I/O queues. Blocks (never on
     * an event loop); throws {@link NvmeException} saying which step failed and why.
     */
    public HostController connect(HostOptions options) {
        return HostController.connect(this, options);
    }

    /** Opens one queue's connection on {@code loop} and completes connection initialization. */
    HostQueue openQueue(int qid, HostOptions options, int entries, EventLoop loop) {
        HostQueue queue = new HostQueue(qid, options, entries, MAX_TRANSFER);
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(flavor.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                // pooled: the adaptive allocator makes an NIO view when a partial PDU is merged
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        options.timeout().toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast("pdu-decoder", queue.decoder());
                        channel.pipeline().addLast("nvme-tcp-host", queue);
                    }
                });
        ChannelFuture connected = bootstrap.connect(options.address()).awaitUninterruptibly();
        if (!connected.isSuccess()) {
            throw new NvmeException("cannot reach " + options.address() + " for queue " + qid, connected.cause());
        }
        HostController.await(
                queue.initialized(), options.timeout(), "connection initialization (ICReq/ICResp) of queue " + qid);
        return queue;
    }

    /** Shuts the group down when this host made it. */
    @Override
    public void close() {
        if (ownsGroup) group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
