package io.peregrine.csi.server;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The process's one Netty event loop group (epoll: Unix sockets need a native transport) and the
 * virtual-thread executor that runs every gRPC handler, so a slow mount or an nvme-cli call
 * never blocks an event loop. Servers and channels are built on it; closing it stops both.
 */
public final class EpollTransport implements AutoCloseable {

    private final EventLoopGroup group;
    private final ExecutorService handlers;

    public EpollTransport() {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException(
                    "Netty's epoll transport is not available (" + Epoll.unavailabilityCause()
                            + "); CSI sockets need Linux and the netty-transport-native-epoll jar",
                    Epoll.unavailabilityCause());
        }
        this.group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        this.handlers = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("csi-call-", 0).factory());
    }

    /** A server listening on a Unix socket; the caller adds services and starts it. */
    public NettyServerBuilder serverOn(Path socket) {
        return NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(group)
                .workerEventLoopGroup(group)
                .executor(handlers);
    }

    /** A plaintext channel to a Unix socket (the local dataplane, a CSI endpoint in tests). */
    public ManagedChannel channelTo(Path socket) {
        return NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class)
                .eventLoopGroup(group)
                .executor(handlers)
                .usePlaintext()
                .build();
    }

    @Override
    public void close() {
        handlers.shutdown();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        try {
            handlers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
