package io.peregrine.e2e.node;

import static io.peregrine.csi.conformance.Csi.block;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.peregrine.csi.cluster.ChannelCache;
import io.peregrine.csi.cluster.DataplaneTls;
import io.peregrine.csi.cluster.KubernetesNodeDirectory;
import io.peregrine.csi.cluster.NettyDataplaneChannels;
import io.peregrine.csi.cluster.TlsMaterial;
import io.peregrine.csi.conformance.ControllerConformance;
import io.peregrine.csi.conformance.ControllerUnderTest;
import io.peregrine.csi.controller.ControllerService;
import io.peregrine.csi.server.CallLogger;
import io.peregrine.csi.server.EpollTransport;
import io.peregrine.csi.testing.MockApiServer;
import io.peregrine.csi.testing.TestPki;
import io.peregrine.csi.v1.CapacityRange;
import io.peregrine.csi.v1.ControllerGrpc;
import io.peregrine.csi.v1.ControllerPublishVolumeRequest;
import io.peregrine.csi.v1.CreateVolumeRequest;
import io.peregrine.csi.v1.Topology;
import io.peregrine.csi.v1.TopologyRequirement;
import io.peregrine.csi.v1.Volume;
import io.peregrine.csi.volume.PublishContext;
import io.peregrine.csi.volume.TargetAddress;
import io.peregrine.dataplane.config.ConfigLoader;
import io.peregrine.dataplane.daemon.Daemon;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CSI controller in cluster mode against two real daemons: StorageNode objects in a mock API
 * server name their management endpoints on TCP, reached with mutual TLS (the production
 * {@link KubernetesNodeDirectory}, {@link ChannelCache} and {@link NettyDataplaneChannels}). The
 * whole conformance suite runs with volumes published to node-b, so those placed on node-a (more
 * free space) are remote attaches; one more case checks such an attach with a real NVMe/TCP host.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterModeAgainstDaemonsTest extends ControllerConformance {

    private static final String SERVER_NAME = DataplaneTls.DEFAULT_SERVER_NAME;

    private final List<Daemon> daemons = new ArrayList<>();
    private final List<String> hostNqns = List.of(
            "nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-00000000000a",
            "nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-00000000000b");
    private MockApiServer api;
    private EpollTransport transport;
    private ChannelCache channels;
    private KubernetesNodeDirectory directory;
    private Server server;
    private ManagedChannel channel;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        TestPki pki = new TestPki(dir, "peregrine");
        TestPki.Leaf serverCert = pki.issue("dataplane", SERVER_NAME);
        TestPki.Leaf clientCert = pki.issue("csi-controller", "csi-controller");
        api = new MockApiServer();
        String[] names = {"node-a", "node-b"};
        long[] poolBytes = {10L << 30, 4L << 30};
        for (int i = 0; i < 2; i++) {
            Path d = dir.resolve(names[i]);
            Files.createDirectories(d);
            Daemon daemon = Daemon.start(new ConfigLoader("e2e", ConfigLoader.daemonDefaults(Map.of()))
                    .load(
                            List.of(
                                    "--data-dir", d.toString(),
                                    "--node-name", names[i],
                                    "--management.socket", d.resolve("dp.sock").toString(),
                                    "--management.listen", "127.0.0.1:0",
                                    "--management.tls.cert",
                                            serverCert.certificate().toString(),
                                    "--management.tls.key", serverCert.key().toString(),
                                    "--management.tls.ca", pki.caFile().toString(),
                                    "--target.listen", "127.0.0.1:0",
                                    "--metrics.listen", "127.0.0.1:0",
                                    "--reactors.count", "1",
                                    "--host-nqn", hostNqns.get(i)),
                            Map.of(),
                            false)
                    .config());
            daemons.add(daemon);
            daemon.node().pools().create("fast", "file://" + d.resolve("pool.img") + "?size=" + poolBytes[i], 0);
            InetSocketAddress management = daemon.management().tcpAddress().orElseThrow();
            api.put(storageNode(names[i], hostNqns.get(i), management, daemon.targetAddress()));
        }
        transport = new EpollTransport();
        TlsMaterial tls = new TlsMaterial(
                new DataplaneTls(clientCert.certificate(), clientCert.key(), pki.caFile(), SERVER_NAME));
        channels = new ChannelCache(
                new NettyDataplaneChannels(Optional.of(tls), transport),
                SERVER_NAME,
                Duration.ofSeconds(30),
                Duration.ofSeconds(60));
        directory = KubernetesNodeDirectory.start(api.newClient(), channels, Duration.ofSeconds(30));
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .intercept(new CallLogger())
                .addService(new ControllerService(directory))
                .build()
                .start();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    @SuppressWarnings("unchecked")
    private static GenericKubernetesResource storageNode(
            String name, String hostNqn, InetSocketAddress management, InetSocketAddress target) {
        GenericKubernetesResource node = MockApiServer.storageNode(
                name, hostNqn, "127.0.0.1:" + management.getPort(), "Online", "True", "127.0.0.1");
        Map<String, Object> status =
                (Map<String, Object>) node.getAdditionalProperties().get("status");
        status.put(
                "nvmeTcpListeners",
                List.of(Map.of(
                        "trtype",
                        "tcp",
                        "adrfam",
                        "ipv4",
                        "traddr",
                        "127.0.0.1",
                        "trsvcid",
                        Integer.toString(target.getPort()))));
        return node;
    }

    @AfterAll
    void stop() throws IOException {
        if (channel != null) channel.shutdownNow();
        if (server != null) server.shutdownNow();
        if (directory != null) directory.close();
        if (channels != null) channels.close();
        if (transport != null) transport.close();
        if (api != null) api.close();
        daemons.forEach(Daemon::close);
    }

    @Override
    protected ControllerUnderTest system() {
        return new ControllerUnderTest() {
            @Override
            public ControllerGrpc.ControllerBlockingStub controller() {
                return ControllerGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
            }

            @Override
            public String nodeId() {
                return "node-b";
            }

            @Override
            public Map<String, String> parameters() {
                return Map.of();
            }
        };
    }

    @Test
    void aVolumeOnNodeAPublishedToNodeBIsReachableByNodeBsHostOnly() {
        var controller = system().controller();
        Volume v = controller
                .createVolume(CreateVolumeRequest.newBuilder()
                        .setName("pvc-remote-" + UUID.randomUUID())
                        .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(16L << 20))
                        .addVolumeCapabilities(block())
                        .setAccessibilityRequirements(TopologyRequirement.newBuilder()
                                .addRequisite(
                                        Topology.newBuilder().putSegments("topology.peregrine.io/node", "node-a")))
                        .build())
                .getVolume();
        PublishContext publish = PublishContext.fromMap(controller
                .controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder()
                        .setVolumeId(v.getVolumeId())
                        .setNodeId("node-b")
                        .setVolumeCapability(block())
                        .build())
                .getPublishContextMap());
        TargetAddress a = publish.targets().getFirst();
        InetSocketAddress target = new InetSocketAddress(a.traddr(), Integer.parseInt(a.trsvcid()));
        assertEquals(daemons.get(0).targetAddress().getPort(), target.getPort(), "node-a's target");
        byte[] data = new byte[4096];
        new Random(3).nextBytes(data);
        try (TcpHost b = TcpHost.connect(target, publish.subsystemNqn(), hostNqns.get(1))) {
            assertEquals(0, b.write(8, data));
            assertArrayEquals(data, b.read(8, data.length / b.blockSize()));
        }
        assertThrows(
                RuntimeException.class,
                () -> TcpHost.connect(target, publish.subsystemNqn(), hostNqns.get(0))
                        .close(),
                "node-a's own host was not the consumer");
    }
}
