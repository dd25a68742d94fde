package io.peregrine.operator.dataplane;

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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * gRPC over Netty, the two ways a dataplane serves its management API: TCP with mutual TLS (the
 * cluster case) and a Unix socket (a daemon on the same host). There is no plaintext TCP: the
 * dataplane does not offer it.
 */
public final class NettyChannelFactory implements ChannelFactory {

    private final Optional<DataplaneTls> tls;
    private final SslContext sslContext;
    private EventLoopGroup unixGroup;

    public NettyChannelFactory(Optional<DataplaneTls> tls) {
        this.tls = tls;
        this.sslContext = tls.map(NettyChannelFactory::sslContext).orElse(null);
    }

    private static SslContext sslContext(DataplaneTls tls) {
        try {
            return GrpcSslContexts.forClient()
                    .keyManager(
                            tls.certificateChain().toFile(), tls.privateKey().toFile())
                    .trustManager(tls.trustedCa().toFile())
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new DataplaneConfigException(
                    "cannot load the dataplane client TLS material ("
                            + tls.certificateChain() + ", " + tls.privateKey() + ", " + tls.trustedCa() + "): "
                            + e.getMessage(),
                    e);
        }
    }

    @Override
    public ManagedChannel open(ManagementEndpoint endpoint) {
        return switch (endpoint) {
            case ManagementEndpoint.Tcp tcp -> {
                if (sslContext == null) {
                    throw new DataplaneConfigException("dataplane " + tcp
                            + " serves mutual TLS and this operator has no client certificate; start it with"
                            + " --tls-cert, --tls-key and --tls-ca");
                }
                yield NettyChannelBuilder.forAddress(tcp.host(), tcp.port())
                        .sslContext(sslContext)
                        .overrideAuthority(tls.orElseThrow().serverName())
                        .build();
            }
            case ManagementEndpoint.Unix unix ->
                NettyChannelBuilder.forAddress(
                                new DomainSocketAddress(unix.path().toFile()))
                        .eventLoopGroup(unixGroup())
                        .channelType(EpollDomainSocketChannel.class)
                        .usePlaintext()
                        .build();
        };
    }

    private synchronized EventLoopGroup unixGroup() {
        if (unixGroup == null) {
            if (!Epoll.isAvailable()) {
                throw new DataplaneConfigException(
                        "Unix-socket endpoints need Netty's native epoll transport, which did not load: "
                                + Epoll.unavailabilityCause());
            }
            unixGroup = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        }
        return unixGroup;
    }

    @Override
    public synchronized void close() {
        if (unixGroup != null) {
            unixGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            unixGroup = null;
        }
    }
}
