package io.peregrine.dataplane.server;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.peregrine.dataplane.config.DaemonConfig;
import io.peregrine.dataplane.node.Node;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The management API (peregrine.dataplane.v1) on a Unix socket -- mode 0660, a stale socket
 * replaced, a live one (another daemon) refused -- and, when configured, on TCP with mutual TLS
 * only: the client must present a certificate our CA signed. Calls run on virtual threads, never
 * on a reactor; the server's own event loop is a small epoll group apart from the reactors.
 */
public final class ManagementServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ManagementServer.class.getName());

    private final MultiThreadIoEventLoopGroup group;
    private final ExecutorService calls;
    private final List<Server> servers;
    private final Path socket;
    private final Optional<InetSocketAddress> tcp;
    private volatile boolean stopping;

    private ManagementServer(
            MultiThreadIoEventLoopGroup group,
            ExecutorService calls,
            List<Server> servers,
            Path socket,
            Optional<InetSocketAddress> tcp) {
        this.group = group;
        this.calls = calls;
        this.servers = servers;
        this.socket = socket;
        this.tcp = tcp;
    }

    /** Serves {@code node}'s API as {@code config} says; throws (having cleaned up) when it cannot. */
    public static ManagementServer start(Node node, DaemonConfig config, CallMetrics metrics) {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException(
                    "the management API's Unix socket needs Netty's epoll transport, which is not available: "
                            + Epoll.unavailabilityCause(),
                    Epoll.unavailabilityCause());
        }
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory("management", true), EpollIoHandler.newFactory());
        ExecutorService calls = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("api-", 0).factory());
        List<Server> servers = new ArrayList<>();
        ManagementServer[] self = new ManagementServer[1];
        try {
            CallObserver observer = new CallObserver(metrics, () -> self[0] != null && self[0].stopping);
            List<BindableService> services = List.of(
                    new NodeApi(node, () -> self[0] != null && !self[0].stopping),
                    new PoolApi(node),
                    new VolumeApi(node),
                    new ExportApi(node));
            Path socket = config.managementSocket();
            prepareSocket(socket);
            NettyServerBuilder unix = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                    .channelType(EpollServerDomainSocketChannel.class)
                    .bossEventLoopGroup(group)
                    .workerEventLoopGroup(group)
                    .executor(calls);
            services.forEach(s -> unix.addService(ServerInterceptors.intercept(s, observer)));
            servers.add(unix.build().start());
            // root and the daemon's group (the CSI plugin, the node agent); nobody else
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
            Optional<InetSocketAddress> bound = Optional.empty();
            if (config.managementListen().isPresent()) {
                DaemonConfig.Tls tls = config.tls().orElseThrow();
                NettyServerBuilder tcp = NettyServerBuilder.forAddress(
                                config.managementListen().get())
                        .channelType(EpollServerSocketChannel.class)
                        .bossEventLoopGroup(group)
                        .workerEventLoopGroup(group)
                        .executor(calls)
                        .sslContext(serverTls(tls));
                services.forEach(s -> tcp.addService(ServerInterceptors.intercept(s, observer)));
                Server server = tcp.build().start();
                servers.add(server);
                bound = Optional.of(
                        (InetSocketAddress) server.getListenSockets().getFirst());
                LOG.log(System.Logger.Level.INFO, "management API on " + bound.get() + " (mutual TLS)");
            }
            ManagementServer s = new ManagementServer(group, calls, servers, socket, bound);
            self[0] = s;
            LOG.log(System.Logger.Level.INFO, "management API on unix://" + socket);
            return s;
        } catch (IOException | RuntimeException e) {
            servers.forEach(Server::shutdownNow);
            calls.shutdownNow();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot serve the management API: " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    private static SslContext serverTls(DaemonConfig.Tls tls) {
        try {
            return GrpcSslContexts.forServer(
                            tls.certificateChain().toFile(), tls.privateKey().toFile())
                    .trustManager(tls.clientCa().toFile())
                    .clientAuth(ClientAuth.REQUIRE)
                    .build();
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "cannot load the management API's TLS files (" + tls.certificateChain() + ", " + tls.privateKey()
                            + ", " + tls.clientCa() + "): " + e.getMessage(),
                    e);
        }
    }

    /**
     * Makes way for our socket: creates its directory, removes a stale socket a crashed daemon
     * left, and refuses when another process is serving on it (or the path is not a socket).
     */
    static void prepareSocket(Path socket) throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .isOther()) {
            throw new IOException(socket + " exists and is not a socket; remove it or set management.socket");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            throw new IOException("another process is serving " + socket
                    + " (a dataplane daemon already runs on this node?); stop it first, or set management.socket");
        } catch (IOException refused) {
            if (refused.getMessage() != null && refused.getMessage().startsWith("another process")) {
                throw refused;
            }
            Files.delete(socket); // nobody listens: left over from a crash
            LOG.log(System.Logger.Level.INFO, "replaced the stale socket " + socket);
        }
    }

    public Path socket() {
        return socket;
    }

    /** The TCP (mutual TLS) address, with its bound port, when configured. */
    public Optional<InetSocketAddress> tcpAddress() {
        return tcp;
    }

    public boolean serving() {
        return !stopping;
    }

    /** Stops accepting calls (new ones get UNAVAILABLE) and waits briefly for those running. */
    @Override
    public void close() {
        stopping = true;
        for (Server s : servers) {
            s.shutdown();
        }
        for (Server s : servers) {
            try {
                if (!s.awaitTermination(5, TimeUnit.SECONDS)) {
                    s.shutdownNow();
                }
            } catch (InterruptedException e) {
                s.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        calls.shutdown();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // the next start replaces a stale socket anyway
        }
    }
}
