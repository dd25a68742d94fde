package io.peregrine.dataplane.cli;

import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Files;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;

/**
 * One gRPC channel to the daemon, for one command. A Unix socket needs Netty's epoll transport
 * (one event loop thread, nothing else warmed up); TCP goes through gRPC's default transport with
 * the client's certificate. Calls complete on the calling thread (a blocking stub with a direct
 * executor), so a command starts no thread pool of its own.
 */
public final class DaemonConnection implements AutoCloseable {

    /**
     * gRPC asks every channel for SO_KEEPALIVE, which a Unix socket does not have, and Netty warns
     * about it on every connection: noise in a command's output, not news. Held here so the
     * logging system keeps the level (it holds loggers weakly).
     */
    private static final Logger BOOTSTRAP_LOG = Logger.getLogger("io.netty.bootstrap");

    /** Calls complete on the thread that made them: a blocking stub waits there anyway. */
    private static final Executor DIRECT = Runnable::run;

    private final DaemonEndpoint endpoint;
    private final ManagedChannel channel;
    private final EventLoopGroup group;

    private DaemonConnection(DaemonEndpoint endpoint, ManagedChannel channel, EventLoopGroup group) {
        this.endpoint = endpoint;
        this.channel = channel;
        this.group = group;
    }

    /**
     * Opens a channel; the connection itself is made by the first call.
     *
     * @throws CommandFailedException ({@link ExitStatus#UNREACHABLE}) when there is no socket, or it
     *     cannot be used
     * @throws UsageException when the TLS files do not load
     */
    public static DaemonConnection open(DaemonEndpoint endpoint) throws UsageException {
        return switch (endpoint) {
            case DaemonEndpoint.UnixSocket unix -> unix(unix);
            case DaemonEndpoint.Tcp tcp -> tcp(tcp);
        };
    }

    private static DaemonConnection unix(DaemonEndpoint.UnixSocket unix) {
        if (!Files.exists(unix.path())) {
            throw new CommandFailedException(ExitStatus.UNREACHABLE, DaemonErrors.noSocket(unix));
        }
        if (Files.isDirectory(unix.path()) || Files.isRegularFile(unix.path())) {
            throw new CommandFailedException(
                    ExitStatus.UNREACHABLE,
                    unix.path() + " (from " + unix.source() + ") is a "
                            + (Files.isDirectory(unix.path()) ? "directory" : "regular file")
                            + ", not the daemon's socket; the daemon's is dataplane.sock in its data directory");
        }
        if (!Files.isWritable(unix.path())) {
            throw new CommandFailedException(
                    ExitStatus.UNREACHABLE,
                    "this user may not connect to " + unix.path() + " (connecting to a Unix socket needs write"
                            + " permission on it): run the command as root, or as a member of the socket's group");
        }
        if (!Epoll.isAvailable()) {
            throw new CommandFailedException(
                    ExitStatus.UNREACHABLE,
                    "cannot open Unix sockets here: Netty's epoll transport did not load ("
                            + Epoll.unavailabilityCause() + "); the daemon's socket needs Linux on x86-64");
        }
        BOOTSTRAP_LOG.setLevel(Level.SEVERE);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        ManagedChannel channel = NettyChannelBuilder.forAddress(
                        new DomainSocketAddress(unix.path().toString()))
                .channelType(EpollDomainSocketChannel.class)
                .eventLoopGroup(group)
                .executor(DIRECT)
                .usePlaintext()
                .overrideAuthority("localhost")
                .build();
        return new DaemonConnection(unix, channel, group);
    }

    private static DaemonConnection tcp(DaemonEndpoint.Tcp tcp) throws UsageException {
        SslContext ssl;
        try {
            ssl = GrpcSslContexts.forClient()
                    .keyManager(tcp.certificate().toFile(), tcp.privateKey().toFile())
                    .trustManager(tcp.trustedCa().toFile())
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new UsageException(
                    "cannot load the TLS files (--tls-cert " + tcp.certificate() + ", --tls-key " + tcp.privateKey()
                            + ", --tls-ca " + tcp.trustedCa() + "): " + e.getMessage()
                            + "; they must be PEM: a certificate chain, its unencrypted PKCS#8 key, and CA"
                            + " certificates",
                    e);
        }
        // The authority is the name the certificate is checked against, not the address dialled.
        ManagedChannel channel = NettyChannelBuilder.forAddress(tcp.host(), tcp.port())
                .sslContext(ssl)
                .executor(DIRECT)
                .overrideAuthority(tcp.serverName())
                .build();
        return new DaemonConnection(tcp, channel, null);
    }

    public DaemonEndpoint endpoint() {
        return endpoint;
    }

    public ManagedChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (group != null) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }
}
