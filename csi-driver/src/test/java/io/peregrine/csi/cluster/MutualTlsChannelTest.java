package io.peregrine.csi.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.ClientAuth;
import io.peregrine.csi.dataplane.DataplaneClient;
import io.peregrine.csi.server.EpollTransport;
import io.peregrine.csi.testing.TestDataplane;
import io.peregrine.csi.testing.TestPki;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production channel path (TLS material, Netty channels, the per-node cache) against a real
 * gRPC server on a TCP port that demands client certificates, as a dataplane does. Certificates
 * are made here.
 */
class MutualTlsChannelTest {

    @TempDir
    Path dir;

    private TestPki pki;
    private Server server;
    private ManagementEndpoint endpoint;
    private EpollTransport transport;

    @BeforeEach
    void serve() throws Exception {
        pki = new TestPki(dir, "peregrine");
        TestPki.Leaf dataplane = pki.issue("dataplane", DataplaneTls.DEFAULT_SERVER_NAME);
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .sslContext(GrpcSslContexts.forServer(
                                dataplane.certificate().toFile(),
                                dataplane.key().toFile())
                        .trustManager(pki.caFile().toFile())
                        .clientAuth(ClientAuth.REQUIRE)
                        .build());
        new TestDataplane("node-a").services().forEach(builder::addService);
        server = builder.build().start();
        endpoint = ManagementEndpoint.parse("127.0.0.1:" + server.getPort());
        transport = new EpollTransport();
    }

    @AfterEach
    void stop() throws InterruptedException {
        server.shutdownNow().awaitTermination();
        transport.close();
    }

    private ChannelCache cache(DataplaneTls tls) {
        return cache(new TlsMaterial(tls));
    }

    private ChannelCache cache(TlsMaterial tls) {
        return new ChannelCache(
                new NettyDataplaneChannels(Optional.of(tls), transport),
                tls.files().serverName(),
                Duration.ofSeconds(5),
                Duration.ofSeconds(5));
    }

    @Test
    void aClientCertificateFromTheSharedCaIsAccepted() throws Exception {
        TestPki.Leaf controller = pki.issue("controller", "peregrine-csi-controller");
        try (ChannelCache cache =
                cache(new DataplaneTls(controller.certificate(), controller.key(), pki.caFile(), null))) {
            DataplaneClient client = cache.client("node-a", endpoint);
            assertEquals("node-a", client.nodeInfo().getNodeName());
            assertSame(client, cache.client("node-a", endpoint), "one channel per node, reused");
        }
    }

    @Test
    void aDataplaneSignedByAnUnknownCaIsRefusedWithAClearError() throws Exception {
        TestPki.Leaf controller = pki.issue("controller", "peregrine-csi-controller");
        TestPki other = new TestPki(dir, "elsewhere");
        try (ChannelCache cache =
                cache(new DataplaneTls(controller.certificate(), controller.key(), other.caFile(), null))) {
            var e = assertThrows(
                    StatusRuntimeException.class,
                    () -> cache.client("node-a", endpoint).nodeInfo());
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
            String message = e.getStatus().getDescription();
            assertTrue(message.contains("TLS handshake with the dataplane of node-a at " + endpoint), message);
            assertTrue(message.contains("--tls-ca"), message);
        }
    }

    @Test
    void aControllerCertificateFromAnUnknownCaIsRefusedByTheDataplane() throws Exception {
        TestPki stranger = new TestPki(dir, "stranger");
        TestPki.Leaf controller = stranger.issue("controller", "peregrine-csi-controller");
        try (ChannelCache cache =
                cache(new DataplaneTls(controller.certificate(), controller.key(), pki.caFile(), null))) {
            var e = assertThrows(
                    StatusRuntimeException.class,
                    () -> cache.client("node-a", endpoint).nodeInfo());
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        }
    }

    @Test
    void aDataplaneCertificateWithoutTheAgreedNameIsRefused() throws Exception {
        TestPki.Leaf controller = pki.issue("controller", "peregrine-csi-controller");
        try (ChannelCache cache =
                cache(new DataplaneTls(controller.certificate(), controller.key(), pki.caFile(), "someone-else"))) {
            var e = assertThrows(
                    StatusRuntimeException.class,
                    () -> cache.client("node-a", endpoint).nodeInfo());
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
            assertTrue(
                    e.getStatus().getDescription().contains("someone-else"),
                    e.getStatus().getDescription());
        }
    }

    @Test
    void aRenewedCertificateBuildsNewChannelsAndAMovedEndpointToo() throws Exception {
        TestPki.Leaf old = pki.issue("controller", "peregrine-csi-controller");
        Path crt = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        Files.copy(old.certificate(), crt);
        Files.copy(old.key(), key);
        AtomicLong nanos = new AtomicLong();
        TlsMaterial material =
                new TlsMaterial(new DataplaneTls(crt, key, pki.caFile(), null), Duration.ofSeconds(10), nanos::get);
        try (ChannelCache cache = cache(material)) {
            DataplaneClient first = cache.client("node-a", endpoint);
            assertEquals("node-a", first.nodeInfo().getNodeName());

            TestPki.Leaf renewed = pki.issue("controller-renewed", "peregrine-csi-controller");
            Files.copy(renewed.certificate(), crt, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(renewed.key(), key, StandardCopyOption.REPLACE_EXISTING);
            Files.setLastModifiedTime(crt, FileTime.from(Instant.now().plusSeconds(5)));
            assertSame(first, cache.client("node-a", endpoint), "files are looked at every 10 s, not per call");

            nanos.addAndGet(Duration.ofSeconds(11).toNanos());
            DataplaneClient second = cache.client("node-a", endpoint);
            assertNotSame(first, second);
            assertEquals(2, material.current().generation());
            assertEquals("node-a", second.nodeInfo().getNodeName());

            ManagementEndpoint moved = ManagementEndpoint.parse("localhost:" + server.getPort());
            DataplaneClient third = cache.client("node-a", moved);
            assertNotSame(second, third);
            assertEquals(moved, cache.endpoints().get("node-a"));
            assertEquals("node-a", third.nodeInfo().getNodeName());
        }
    }

    @Test
    void aHalfWrittenRenewalKeepsThePreviousCertificate() throws Exception {
        TestPki.Leaf old = pki.issue("controller", "peregrine-csi-controller");
        Path crt = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        Files.copy(old.certificate(), crt);
        Files.copy(old.key(), key);
        AtomicLong nanos = new AtomicLong();
        TlsMaterial material =
                new TlsMaterial(new DataplaneTls(crt, key, pki.caFile(), null), Duration.ofSeconds(1), nanos::get);
        Files.writeString(crt, "-----BEGIN CERTIFICATE-----\n");
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertEquals(1, material.current().generation());
    }

    @Test
    void unreadableFilesAreNamed() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new DataplaneTls(dir.resolve("nope.crt"), dir.resolve("nope.key"), dir.resolve("ca.crt"), null));
        assertTrue(e.getMessage().contains("nope.crt"), e.getMessage());
    }
}
