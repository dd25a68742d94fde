package io.peregrine.operator.testing;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.peregrine.operator.dataplane.ChannelFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link DataplaneDouble}s served over gRPC's in-process transport, each under the name of the
 * TCP endpoint a node would advertise ({@code <node>.dataplane.test:9443}), so the operator
 * parses and caches endpoints exactly as in a cluster.
 */
final class InProcessDataplanes implements Dataplanes {

    private final Map<String, InProcessNode> nodes = new ConcurrentHashMap<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    @Override
    public Node start(String nodeName, int disks) {
        DataplaneDouble dataplane = new DataplaneDouble(nodeName);
        List<String> uris = new ArrayList<>();
        for (int i = 0; i < disks; i++) {
            String uri = String.format("pcie://0000:%02x:00.0", i + 1);
            dataplane.addDevice(uri, DataplaneDouble.GIB);
            uris.add(uri);
        }
        InProcessNode node =
                new InProcessNode(nodeName, nodeName + ".dataplane.test:9443", List.copyOf(uris), dataplane);
        node.start();
        nodes.put(nodeName, node);
        return node;
    }

    @Override
    public ChannelFactory channels() {
        return endpoint ->
                track(InProcessChannelBuilder.forName(endpoint.toString()).build());
    }

    private synchronized ManagedChannel track(ManagedChannel channel) {
        channels.add(channel);
        return channel;
    }

    @Override
    public void close() {
        nodes.values().forEach(InProcessNode::stop);
        synchronized (this) {
            channels.forEach(ManagedChannel::shutdownNow);
        }
    }

    private final class InProcessNode implements Node {
        private final String nodeName;
        private final String endpoint;
        private final List<String> disks;
        private final DataplaneDouble dataplane;
        private Server server;
        private ManagedChannel channel;

        InProcessNode(String nodeName, String endpoint, List<String> disks, DataplaneDouble dataplane) {
            this.nodeName = nodeName;
            this.endpoint = endpoint;
            this.disks = disks;
            this.dataplane = dataplane;
        }

        @Override
        public String nodeName() {
            return nodeName;
        }

        @Override
        public String endpoint() {
            return endpoint;
        }

        @Override
        public List<String> disks() {
            return disks;
        }

        @Override
        public synchronized Channel channel() {
            if (channel == null) {
                channel = track(InProcessChannelBuilder.forName(endpoint).build());
            }
            return channel;
        }

        @Override
        public synchronized void stop() {
            if (server != null) {
                server.shutdownNow();
                server = null;
            }
        }

        @Override
        public synchronized void start() {
            if (server != null) {
                return;
            }
            dataplane.restart();
            InProcessServerBuilder builder = InProcessServerBuilder.forName(endpoint);
            dataplane.services().forEach(builder::addService);
            try {
                server = builder.build().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (channel != null) {
                channel.resetConnectBackoff();
            }
        }

        @Override
        public Optional<DataplaneDouble> testDouble() {
            return Optional.of(dataplane);
        }
    }
}
