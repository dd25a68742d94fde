package io.peregrine.dataplane.daemon;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.peregrine.dataplane.config.ConfigLoader;
import io.peregrine.dataplane.config.DaemonConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Daemons for tests: everything on ephemeral ports and in a temporary directory. */
final class TestDaemons {
    static final String HOST_A = "nqn.2014-08.org.nvmexpress:uuid:11111111-2222-3333-4444-555555555555";
    static final String HOST_B = "nqn.2014-08.org.nvmexpress:uuid:66666666-7777-8888-9999-000000000000";

    private TestDaemons() {}

    /** A daemon's settings under {@code dir}; {@code extra} are more flags ({@code --key value}). */
    static DaemonConfig config(Path dir, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--data-dir", dir.toString(),
                "--node-name", "test-node",
                "--management.socket", dir.resolve("dp.sock").toString(),
                "--target.listen", "127.0.0.1:0",
                "--metrics.listen", "127.0.0.1:0",
                "--reactors.count", "1",
                "--host-nqn", HOST_A));
        args.addAll(List.of(extra));
        return new ConfigLoader("test", ConfigLoader.daemonDefaults(Map.of()))
                .load(args, Map.of(), false)
                .config();
    }

    /** A gRPC client on a daemon's Unix socket; closing it also stops its event loop. */
    static final class Client implements AutoCloseable {
        private final MultiThreadIoEventLoopGroup group =
                new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        final ManagedChannel channel;

        Client(Path socket) {
            channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                    .channelType(EpollDomainSocketChannel.class)
                    .eventLoopGroup(group)
                    .usePlaintext()
                    .build();
        }

        @Override
        public void close() {
            try {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
