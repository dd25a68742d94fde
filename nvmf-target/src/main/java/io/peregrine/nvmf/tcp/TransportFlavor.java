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

    /**
     * The I/O handler factory; epoll and NIO loops poll per {@code spin} (io_uring loops always
     * block in the kernel: their completion ring has no Netty select strategy).
     */
    public IoHandlerFactory handlerFactory(SpinPolicy spin) {
        return switch (this) {
            case EPOLL -> EpollIoHandler.newFactory(0, spin);
            case IO_URING -> IoUringIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory(java.nio.channels.spi.SelectorProvider.provider(), spin);
        };
    }

    /** A group of {@code threads} event loops named {@code name-N} that never spin. */
    public MultiThreadIoEventLoopGroup newGroup(int threads, String name) {
        return newGroup(threads, name, SpinPolicy.micros(0));
    }

    /** A group of {@code threads} event loops named {@code name-N}, polling per {@code spin}. */
    public MultiThreadIoEventLoopGroup newGroup(int threads, String name, SpinPolicy spin) {
        if (!available()) {
            throw new IllegalStateException(this + " is not available here: " + unavailabilityCause());
        }
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), handlerFactory(spin));
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
