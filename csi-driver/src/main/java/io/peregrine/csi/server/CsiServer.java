package io.peregrine.csi.server;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One CSI gRPC endpoint on a Unix socket: the services given, every call logged with secrets
 * redacted, handlers on virtual threads. A stale socket left by a crashed predecessor is
 * replaced; a live one (another plugin answering) is an error, never silently stolen.
 */
public final class CsiServer implements AutoCloseable {

    private final Endpoint endpoint;
    private final Server server;

    private CsiServer(Endpoint endpoint, Server server) {
        this.endpoint = endpoint;
        this.server = server;
    }

    public static CsiServer start(EpollTransport transport, Endpoint endpoint, List<BindableService> services) {
        Path socket = endpoint.socket();
        try {
            Files.createDirectories(socket.getParent());
            clearStaleSocket(socket);
            NettyServerBuilder builder = transport.serverOn(socket).intercept(new CallLogger());
            services.forEach(builder::addService);
            Server server = builder.build().start();
            // the sidecars connect as root or as the plugin's group; nobody else may
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
            return new CsiServer(endpoint, server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve CSI on " + endpoint + ": " + e.getMessage(), e);
        }
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** Blocks until the server stops. */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(endpoint.socket());
        } catch (IOException e) {
            // the next start replaces a stale socket anyway
        }
    }

    private static void clearStaleSocket(Path socket) throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) return;
        if (!Files.readAttributes(socket, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .isOther()) {
            throw new IOException(socket + " exists and is not a socket; remove it or choose another --endpoint");
        }
        if (someoneListens(socket)) {
            throw new IOException("another process is serving " + socket + "; stop it first");
        }
        Files.delete(socket); // nobody listens: a leftover from a crash
    }

    private static boolean someoneListens(Path socket) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
