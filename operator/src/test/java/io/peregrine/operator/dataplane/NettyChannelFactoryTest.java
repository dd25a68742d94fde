package io.peregrine.operator.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.ssl.ClientAuth;
import io.peregrine.dataplane.api.v1.GetNodeInfoRequest;
import io.peregrine.dataplane.api.v1.NodeServiceGrpc;
import io.peregrine.operator.testing.DataplaneDouble;
import io.peregrine.operator.testing.TestPki;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The production transports, against a real gRPC Netty server: Unix socket, and TCP with mutual TLS. */
class NettyChannelFactoryTest {

    @TempDir
    Path dir;

    private static Server serve(NettyServerBuilder builder) throws Exception {
        new DataplaneDouble("node-a").services().forEach(builder::addService);
        return builder.build().start();
    }

    private static String nodeName(ManagedChannel channel) {
        return nodeName(channel, 10);
    }

    private static String nodeName(ManagedChannel channel, int deadlineSeconds) {
        try {
            return NodeServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS)
                    .getNodeInfo(GetNodeInfoRequest.getDefaultInstance())
                    .getNodeName();
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void unixSocket() throws Exception {
        Path socket = dir.resolve("api.sock");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        Server server = serve(NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toFile()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(group)
                .workerEventLoopGroup(group));
        NettyChannelFactory factory = new NettyChannelFactory(Optional.empty());
        try {
            assertEquals("node-a", nodeName(factory.open(ManagementEndpoint.parse("unix://" + socket))));
        } finally {
            factory.close();
            server.shutdownNow().awaitTermination();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void tcpNeedsTlsMaterial() {
        var factory = new NettyChannelFactory(Optional.empty());
        var e = assertThrows(
                DataplaneConfigException.class, () -> factory.open(ManagementEndpoint.parse("10.0.0.7:9443")));
        assertTrue(e.getMessage().contains("--tls-cert"), e.getMessage());
    }

    @Test
    void tcpWithMutualTls() throws Exception {
        TestPki pki = new TestPki(dir, "peregrine");
        TestPki.Files3 serverFiles = pki.issue("dataplane", DataplaneTls.DEFAULT_SERVER_NAME);
        TestPki.Files3 clientFiles = pki.issue("operator", "peregrine-operator");
        Server server = serve(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .sslContext(GrpcSslContexts.forServer(
                                serverFiles.certificate().toFile(),
                                serverFiles.key().toFile())
                        .trustManager(pki.caFile().toFile())
                        .clientAuth(ClientAuth.REQUIRE)
                        .build()));
        ManagementEndpoint endpoint = ManagementEndpoint.parse("127.0.0.1:" + server.getPort());
        try {
            var tls = new DataplaneTls(clientFiles.certificate(), clientFiles.key(), pki.caFile(), null);
            assertEquals("node-a", nodeName(new NettyChannelFactory(Optional.of(tls)).open(endpoint)));

            // A client certificate from another CA is refused by the dataplane.
            TestPki other = new TestPki(dir, "intruder");
            TestPki.Files3 stranger = other.issue("stranger", "peregrine-operator");
            var strangerTls = new DataplaneTls(stranger.certificate(), stranger.key(), pki.caFile(), null);
            var refused = assertThrows(
                    StatusRuntimeException.class,
                    () -> nodeName(new NettyChannelFactory(Optional.of(strangerTls)).open(endpoint), 2));
            assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());

            // A dataplane certificate without the agreed name is refused by the operator.
            var wrongName =
                    new DataplaneTls(clientFiles.certificate(), clientFiles.key(), pki.caFile(), "someone-else");
            assertThrows(
                    StatusRuntimeException.class,
                    () -> nodeName(new NettyChannelFactory(Optional.of(wrongName)).open(endpoint), 2));
        } finally {
            server.shutdownNow().awaitTermination();
        }
    }

    @Test
    void missingTlsFilesAreNamed() {
        var e = assertThrows(
                DataplaneConfigException.class,
                () -> new DataplaneTls(dir.resolve("nope.crt"), dir.resolve("nope.key"), dir.resolve("ca.crt"), null));
        assertTrue(e.getMessage().contains("nope.crt"), e.getMessage());
    }
}
