package io.peregrine.dataplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.ClientAuth;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --address} reaches a daemon over TCP only with mutual TLS: the daemon's certificate names
 * {@code peregrine-dataplane}, whatever address the client dials, and the client shows its own.
 */
class MutualTlsTest {
    @TempDir
    Path dir;

    private TestCa ca;
    private TestCa.Leaf client;
    private Server server;
    private CliHarness cli;

    @BeforeEach
    void start() throws Exception {
        ca = new TestCa(dir.resolve("pki"), "peregrine-ca");
        TestCa.Leaf daemon = ca.issue("daemon", DaemonEndpoint.Tcp.SERVER_NAME);
        client = ca.issue("admin", null);
        NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .sslContext(GrpcSslContexts.forServer(
                                daemon.certificate().toFile(), daemon.key().toFile())
                        .trustManager(ca.issue("unused", null).ca().toFile())
                        .clientAuth(ClientAuth.REQUIRE)
                        .build());
        new FakeDataplane().services().forEach(b::addService);
        server = b.build().start();
        cli = CliHarness.withoutDaemon(dir);
    }

    @AfterEach
    void stop() throws Exception {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        cli.close();
    }

    private String address() {
        return "127.0.0.1:" + server.getPort();
    }

    @Test
    void aClientTheCaSignedIsServed() {
        CliHarness.Result r = cli.run(
                "pool",
                "list",
                "--address",
                address(),
                "--tls-cert",
                client.certificate().toString(),
                "--tls-key",
                client.key().toString(),
                "--tls-ca",
                client.ca().toString());
        assertEquals(0, r.status(), r.toString());
        assertEquals("no pools yet; create one: ./peregrine pool create NAME URI\n", r.out());
    }

    @Test
    void aDaemonAnotherCaSignedIsRefused() throws Exception {
        TestCa other = new TestCa(dir.resolve("other"), "someone-else");
        CliHarness.Result r = cli.run(
                "pool",
                "list",
                "--address",
                address(),
                "--tls-cert",
                client.certificate().toString(),
                "--tls-key",
                client.key().toString(),
                "--tls-ca",
                other.issue("x", null).ca().toString());
        assertEquals(3, r.status(), r.toString());
        assertTrue(
                r.err().startsWith("pool list: the TLS handshake with the daemon at " + address() + " failed"),
                r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void aDaemonCertificateForAnotherNameIsRefused() {
        CliHarness.Result r = cli.run(
                "pool",
                "list",
                "--address",
                address(),
                "--tls-cert",
                client.certificate().toString(),
                "--tls-key",
                client.key().toString(),
                "--tls-ca",
                client.ca().toString(),
                "--tls-server-name",
                "node-7");
        assertEquals(3, r.status(), r.toString());
        assertTrue(r.err().contains("TLS handshake"), r.err());
    }

    @Test
    void tlsFilesThatDoNotLoadAreAUsageError() {
        CliHarness.Result r = cli.run(
                "pool",
                "list",
                "--address",
                address(),
                "--tls-cert",
                client.key().toString(),
                "--tls-key",
                client.key().toString(),
                "--tls-ca",
                client.ca().toString());
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("cannot load the TLS files"), r.err());
    }
}
