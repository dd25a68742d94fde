package io.peregrine.csi.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.peregrine.csi.CsiDriver;
import io.peregrine.csi.identity.IdentityService;
import io.peregrine.csi.v1.GetPluginInfoRequest;
import io.peregrine.csi.v1.IdentityGrpc;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsiServerTest {

    @TempDir
    Path dir;

    @Test
    void servesOnAUnixSocketOnlyTheOwnerAndGroupMayUse() throws Exception {
        Endpoint endpoint = new Endpoint(dir.resolve("sub/csi.sock"));
        try (EpollTransport transport = new EpollTransport();
                CsiServer server = CsiServer.start(transport, endpoint, List.of(new IdentityService(List.of())))) {
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(endpoint.socket())));
            ManagedChannel channel = transport.channelTo(endpoint.socket());
            assertEquals(
                    CsiDriver.NAME,
                    IdentityGrpc.newBlockingStub(channel)
                            .getPluginInfo(GetPluginInfoRequest.getDefaultInstance())
                            .getName());
            channel.shutdownNow();
            assertEquals(endpoint, server.endpoint());
        }
        assertTrue(!Files.exists(endpoint.socket()), "the socket is removed on close");
    }

    @Test
    void replacesAStaleSocketButNeverALiveOneOrAFile() throws Exception {
        Path socket = dir.resolve("csi.sock");
        try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            live.bind(UnixDomainSocketAddress.of(socket));
            try (EpollTransport transport = new EpollTransport()) {
                UncheckedIOException e = assertThrows(
                        UncheckedIOException.class,
                        () -> CsiServer.start(
                                transport, new Endpoint(socket), List.of(new IdentityService(List.of()))));
                assertTrue(e.getMessage().contains("another process is serving"), e.getMessage());
            }
        }
        // the listener is gone, its socket file stays behind: stale
        assertTrue(Files.exists(socket));
        try (EpollTransport transport = new EpollTransport();
                CsiServer server =
                        CsiServer.start(transport, new Endpoint(socket), List.of(new IdentityService(List.of())))) {
            assertTrue(Files.exists(server.endpoint().socket()));
        }
        Path file = Files.writeString(dir.resolve("not-a-socket"), "data");
        try (EpollTransport transport = new EpollTransport()) {
            UncheckedIOException e = assertThrows(
                    UncheckedIOException.class,
                    () -> CsiServer.start(transport, new Endpoint(file), List.of(new IdentityService(List.of()))));
            assertTrue(e.getMessage().contains("is not a socket"), e.getMessage());
        }
    }
}
