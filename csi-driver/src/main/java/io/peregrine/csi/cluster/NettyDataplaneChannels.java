package io.peregrine.csi.cluster;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.peregrine.csi.server.EpollTransport;
import java.util.Optional;

/**
 * The two ways a dataplane serves its management API: TCP with mutual TLS (the cluster case; the
 * dataplane offers no plaintext TCP) and a Unix socket (a daemon on this host).
 */
public final class NettyDataplaneChannels implements DataplaneChannels {

    private final Optional<TlsMaterial> tls;
    private final EpollTransport transport;

    public NettyDataplaneChannels(Optional<TlsMaterial> tls, EpollTransport transport) {
        this.tls = tls;
        this.transport = transport;
    }

    @Override
    public ManagedChannel open(ManagementEndpoint endpoint) {
        return switch (endpoint) {
            case ManagementEndpoint.Tcp tcp -> {
                TlsMaterial material = tls.orElseThrow(() -> new IllegalArgumentException("dataplane " + tcp
                        + " serves mutual TLS and this controller has no client certificate; start it with"
                        + " --tls-cert, --tls-key and --tls-ca"));
                yield NettyChannelBuilder.forAddress(tcp.host(), tcp.port())
                        .sslContext(material.current().context())
                        .overrideAuthority(material.files().serverName())
                        .build();
            }
            case ManagementEndpoint.Unix unix -> transport.channelTo(unix.path());
        };
    }

    @Override
    public long generation() {
        return tls.map(t -> t.current().generation()).orElse(0L);
    }
}
