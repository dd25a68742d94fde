package io.peregrine.nvmf.tcp;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Which Netty transport carries the sockets: native epoll (the default), native io_uring, or NIO
 * (only where neither native transport loads). Knows the channel classes and how to make an
 * event loop group of its kind.
 */
public enum TransportFlavor {
    EPOLL,
    IO_URING,
    NIO;

    /** epoll when it loads here, else NIO. */
    public static TransportFlavor preferred() {
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    /**
     * The flavor an existing group runs, or {@code null} when its I/O handler is none of ours (a
     * wrapped handler: then the caller must say which flavor it wraps).
     */
    public static TransportFlavor of(EventLoopGroup group) {
        if (group instanceof IoEventLoopGroup io) {
            if (io.isIoType(EpollIoHandler.class)) return EPOLL;
            if (io.isIoType(IoUringIoHandler.class)) return IO_URING;
            if (io.isIoType(NioIoHandler.class)) return NIO;
        }
        return null;
    }

    public boolean available() {
        return switch (this) {
            case EPOLL -> Epoll.isAvailable();
            case IO_URING -> IoUring.isAvailable();
            case NIO -> true;
        };
    }

    /** Why this flavor cannot run here, or {@code null}. */
    public Throwable unavailabilityCause() {
        return switch (this) {
            case EPOLL -> Epoll.unavailabilityCause();
            case IO_URING -> IoUring.unavailabilityCause();
            case NIO -> null;
        };
    }

    public IoHandlerFactory handlerFactory() {
        return switch (this) {
            case EPOLL -> EpollIoHandler.newFactory();
            case IO_URING -> IoUringIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
    }

    /** A group of {@code threads} event loops named {@code name-N}. */
    public MultiThreadIoEventLoopGroup newGroup(int threads, String name) {
        if (!available()) {
            throw new IllegalStateException(this + " is not available here: " + unavailabilityCause());
        }
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), handlerFactory());
    }

    public Class<? extends ServerChannel> serverChannel() {
        return switch (this) {
            case EPOLL -> EpollServerSocketChannel.class;
            case IO_URING -> IoUringServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    public Class<? extends SocketChannel> socketChannel() {
        return switch (this) {
            case EPOLL -> EpollSocketChannel.class;
            case IO_URING -> IoUringSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }
}
