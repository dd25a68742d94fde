package io.peregrine.csi.testing;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.ClientAuth;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A test dataplane's management API on a loopback TCP port (ephemeral) with mutual TLS, as a
 * dataplane serves it in a cluster: its certificate, and client certificates required.
 */
public final class TlsDataplaneServer {

    private TlsDataplaneServer() {}

    public static Server start(TestDataplane dataplane, TestPki pki, TestPki.Leaf certificate) throws IOException {
        return start(dataplane, pki, certificate, Duration.ZERO);
    }

    /**
     * @param delay added before every call is handled, standing in for the network round trip
     *     to another machine (loopback has none)
     */
    public static Server start(TestDataplane dataplane, TestPki pki, TestPki.Leaf certificate, Duration delay)
            throws IOException {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .sslContext(GrpcSslContexts.forServer(
                                certificate.certificate().toFile(),
                                certificate.key().toFile())
                        .trustManager(pki.caFile().toFile())
                        .clientAuth(ClientAuth.REQUIRE)
                        .build());
        dataplane
                .services()
                .forEach(service -> builder.addService(
                        delay.isZero()
                                ? service.bindService()
                                : ServerInterceptors.intercept(service, new Delay(delay))));
        return builder.build().start();
    }

    private record Delay(Duration delay) implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(
                ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            try {
                Thread.sleep(delay); // handlers run on gRPC's executor: this holds the call, not the loop
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return next.startCall(call, headers);
        }
    }
}
