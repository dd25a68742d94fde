package io.peregrine.e2e.node;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.peregrine.dataplane.config.ConfigLoader;
import io.peregrine.dataplane.config.DaemonConfig;
import io.peregrine.dataplane.daemon.Daemon;
import io.peregrine.operator.dataplane.ChannelFactory;
import io.peregrine.operator.dataplane.NettyChannelFactory;
import io.peregrine.operator.testing.DataplaneDouble;
import io.peregrine.operator.testing.Dataplanes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operator harness's dataplanes as real daemons in this JVM: one per node, each with its
 * management API on a Unix socket (the endpoint its node agent advertises) and sparse 1 GiB
 * {@code file://} disks in its own directory; the operator reaches them through the production
 * {@link NettyChannelFactory}.
 */
final class DaemonDataplanes implements Dataplanes {

    private final Path root;
    private final NettyChannelFactory channels = new NettyChannelFactory(Optional.empty());
    private final List<DaemonNode> nodes = new ArrayList<>();

    DaemonDataplanes(Path root) {
        this.root = root;
    }

    @Override
    public synchronized Node start(String nodeName, int disks) {
        Path dir = root.resolve(nodeName);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> uris = new ArrayList<>();
        for (int i = 0; i < disks; i++) {
            uris.add("file://" + dir.toAbsolutePath().resolve("disk" + i + ".img") + "?size=1G");
        }
        DaemonNode node = new DaemonNode(nodeName, dir, List.copyOf(uris));
        node.start();
        nodes.add(node);
        return node;
    }

    @Override
    public ChannelFactory channels() {
        return channels;
    }

    @Override
    public synchronized void close() {
        nodes.forEach(DaemonNode::stop);
        nodes.forEach(DaemonNode::closeChannel);
        channels.close();
    }

    private final class DaemonNode implements Node {
        private final String nodeName;
        private final Path dir;
        private final List<String> disks;
        private final DaemonConfig config;
        private Daemon daemon;
        private ManagedChannel channel;

        DaemonNode(String nodeName, Path dir, List<String> disks) {
            this.nodeName = nodeName;
            this.dir = dir;
            this.disks = disks;
            this.config = new ConfigLoader("e2e", ConfigLoader.daemonDefaults(Map.of()))
                    .load(
                            List.of(
                                    "--data-dir",
                                    dir.toString(),
                                    "--node-name",
                                    nodeName,
                                    "--management.socket",
                                    dir.resolve("dp.sock").toString(),
                                    "--target.listen",
                                    "127.0.0.1:0",
                                    "--metrics.listen",
                                    "127.0.0.1:0",
                                    "--reactors.count",
                                    "1"),
                            Map.of(),
                            false)
                    .config();
        }

        @Override
        public String nodeName() {
            return nodeName;
        }

        @Override
        public String endpoint() {
            return "unix://" + dir.toAbsolutePath().resolve("dp.sock");
        }

        @Override
        public List<String> disks() {
            return disks;
        }

        @Override
        public synchronized Channel channel() {
            if (channel == null) {
                channel = channels.open(io.peregrine.operator.dataplane.ManagementEndpoint.parse(endpoint()));
            }
            return channel;
        }

        Daemon daemon() {
            return daemon;
        }

        @Override
        public synchronized void stop() {
            if (daemon != null) {
                daemon.close();
                daemon = null;
            }
        }

        @Override
        public synchronized void start() {
            if (daemon == null) {
                daemon = Daemon.start(config);
                if (channel != null) {
                    channel.resetConnectBackoff();
                }
            }
        }

        synchronized void closeChannel() {
            if (channel != null) {
                channel.shutdownNow();
            }
        }

        @Override
        public Optional<DataplaneDouble> testDouble() {
            return Optional.empty();
        }
    }
}
