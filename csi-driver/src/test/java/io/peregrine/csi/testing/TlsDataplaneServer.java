package io.peregrine.csi.testing;

import io.grpc.Server;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.ClientAuth;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A test dataplane's management API on a loopback TCP port (ephemeral) with mutual TLS, as a
 * dataplane serves it in a cluster: its certificate, and client certificates required.
 */
public final class TlsDataplaneServer {

    private TlsDataplaneServer() {}

    public static Server start(TestDataplane dataplane, TestPki pki, TestPki.Leaf certificate) throws IOException {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .sslContext(GrpcSslContexts.forServer(
                                certificate.certificate().toFile(),
                                certificate.key().toFile())
                        .trustManager(pki.caFile().toFile())
                        .clientAuth(ClientAuth.REQUIRE)
                        .build());
        dataplane.services().forEach(builder::addService);
        return builder.build().start();
    }
}
