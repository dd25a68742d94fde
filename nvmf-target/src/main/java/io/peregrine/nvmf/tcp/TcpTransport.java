package io.peregrine.nvmf.tcp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.peregrine.nvmf.core.Port;
import io.peregrine.nvmf.core.Target;
import io.peregrine.nvmf.transport.Transport;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * NVMe/TCP (TCP Transport 1.1) on Netty: one server channel per listening address, accepted
 * connections spread round-robin over the event loops of the group, one {@link TcpConnection}
 * per connection. Never blocks an event loop; {@link #listen} and {@link #close} block their
 * (management) caller.
 */
public final class TcpTransport implements Transport {
    private final Target target;
    private final TcpTargetConfig config;
    private final EventLoopGroup group;
    private final ChannelGroup connections = new DefaultChannelGroup("nvmf-tcp", GlobalEventExecutor.INSTANCE);
    private final Map<Port, Channel> listeners = new ConcurrentHashMap<>();
    private final AtomicInteger nextPortId = new AtomicInteger(1);

    public TcpTransport(Target target, TcpTargetConfig config, EventLoopGroup group) {
        this.target = target;
        this.config = config;
        this.group = group;
    }

    @Override
    public String type() {
        return "tcp";
    }

    @Override
    public Port listen(InetSocketAddress address) {
        requireNotOnEventLoop();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(config.flavor().serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.ALLOCATOR, config.allocator())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        connections.add(channel);
                        TcpConnection connection = new TcpConnection(target, config);
                        channel.pipeline().addLast("pdu-decoder", connection.decoder());
                        channel.pipeline().addLast("nvme-tcp", connection);
                    }
                });
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IllegalStateException(
                    "cannot listen on " + address + ": " + bound.cause().getMessage(), bound.cause());
        }
        Channel server = bound.channel();
        InetSocketAddress local = (InetSocketAddress) server.localAddress();
        String advertised = config.advertisedAddress() != null
                ? config.advertisedAddress()
                : local.getAddress().getHostAddress();
        Port port = new Port(nextPortId.getAndIncrement(), advertised, local.getPort());
        listeners.put(port, server);
        target.addPort(port);
        return port;
    }

    @Override
    public void unlisten(Port port) {
        requireNotOnEventLoop();
        Channel server = listeners.remove(port);
        if (server != null) {
            target.removePort(port);
            server.close().awaitUninterruptibly();
        }
    }

    /** Connections open right now. */
    public int connectionCount() {
        return connections.size();
    }

    @Override
    public void close() {
        requireNotOnEventLoop();
        for (Port port : listeners.keySet()) unlisten(port);
        connections.close().awaitUninterruptibly();
    }

    private void requireNotOnEventLoop() {
        for (var executor : group) {
            if (executor.inEventLoop()) {
                throw new IllegalStateException("blocking transport management must not run on an event loop");
            }
        }
    }
}
