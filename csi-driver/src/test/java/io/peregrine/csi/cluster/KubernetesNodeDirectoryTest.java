package io.peregrine.csi.cluster;

import static io.peregrine.csi.conformance.Csi.assertCode;
import static io.peregrine.csi.conformance.Csi.mount;
import static io.peregrine.csi.testing.MockApiServer.storageNode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.peregrine.csi.CsiDriver;
import io.peregrine.csi.controller.ControllerService;
import io.peregrine.csi.controller.StorageNode;
import io.peregrine.csi.testing.MockApiServer;
import io.peregrine.csi.testing.TestDataplane;
import io.peregrine.csi.v1.CapacityRange;
import io.peregrine.csi.v1.ControllerGetVolumeRequest;
import io.peregrine.csi.v1.ControllerGrpc;
import io.peregrine.csi.v1.ControllerPublishVolumeRequest;
import io.peregrine.csi.v1.ControllerUnpublishVolumeRequest;
import io.peregrine.csi.v1.CreateVolumeRequest;
import io.peregrine.csi.v1.DeleteVolumeRequest;
import io.peregrine.csi.v1.Topology;
import io.peregrine.csi.v1.TopologyRequirement;
import io.peregrine.csi.v1.Volume;
import io.peregrine.csi.volume.PublishContext;
import io.peregrine.csi.volume.TargetAddress;
import io.peregrine.csi.volume.VolumeContext;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cluster mode end to end in one JVM: Fabric8's mock API server (CRUD mode) holds StorageNode
 * objects as the operator and node agents write them; the directory watches them; the
 * controller places, publishes and refuses through it; the dataplanes behind the management
 * endpoints are in-process test dataplanes.
 */
class KubernetesNodeDirectoryTest {

    private static final long MiB = 1L << 20;
    private static final String NQN_A = "nqn.2014-08.org.nvmexpress:uuid:aaaaaaaa-0000-4000-8000-000000000001";
    private static final String NQN_B = "nqn.2014-08.org.nvmexpress:uuid:bbbbbbbb-0000-4000-8000-000000000002";
    private static final String ENDPOINT_A = "10.0.0.1:9443";
    private static final String ENDPOINT_B = "10.0.0.2:9443";

    private final TestDataplane a = new TestDataplane("node-a").pool("fast", 8L << 30, 4 * MiB);
    private final TestDataplane b = new TestDataplane("node-b").pool("fast", 1L << 30, 4 * MiB);
    private final List<Server> servers = new ArrayList<>();
    private final Map<String, String> inProcessNames = new HashMap<>();
    private final Map<String, Integer> opened = new LinkedHashMap<>();

    private MockApiServer api;
    private ChannelCache channels;
    private KubernetesNodeDirectory directory;
    private ManagedChannel csiChannel;
    private ControllerGrpc.ControllerBlockingStub controller;

    @BeforeEach
    void start() throws IOException {
        api = new MockApiServer();
        serve(a, ENDPOINT_A);
        serve(b, ENDPOINT_B);
        // b's target listens on the wildcard address: reached at its management address
        api.put(storageNode("node-a", NQN_A, ENDPOINT_A, "Online", "True", "10.0.1.1"));
        api.put(storageNode("node-b", NQN_B, ENDPOINT_B, "Online", "True", "0.0.0.0"));
        // a consumer: no host NQN yet and its dataplane down (attaching needs neither its dataplane nor Online)
        api.put(storageNode("compute-c", null, "10.0.0.3:9443", "Offline", "False", "10.0.0.3"));

        DataplaneChannels inProcess = endpoint -> {
            opened.merge(endpoint.toString(), 1, Integer::sum);
            String name = inProcessNames.get(endpoint.toString());
            if (name == null) throw new IllegalArgumentException("no dataplane at " + endpoint);
            return InProcessChannelBuilder.forName(name).directExecutor().build();
        };
        channels = new ChannelCache(inProcess, "peregrine-dataplane", Duration.ofSeconds(10), Duration.ofSeconds(10));
        directory = KubernetesNodeDirectory.start(api.newClient(), channels, Duration.ofSeconds(30));

        String name = InProcessServerBuilder.generateName();
        servers.add(InProcessServerBuilder.forName(name)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .addService(new ControllerService(directory))
                .build()
                .start());
        csiChannel = InProcessChannelBuilder.forName(name).build();
        controller = ControllerGrpc.newBlockingStub(csiChannel);
    }

    @AfterEach
    void stop() {
        csiChannel.shutdownNow();
        directory.close();
        channels.close();
        servers.forEach(Server::shutdownNow);
        api.close();
    }

    @Test
    void placementAndPublishUseTheStorageNodes() {
        assertEquals(List.of("node-a", "node-b"), names(directory.storageNodes()));

        Volume onB = create("on-b", TopologyRequirement.newBuilder().addRequisite(node("node-b")));
        assertEquals("node-b", onB.getVolumeContextOrThrow(VolumeContext.NODE));
        assertEquals(node("node-b"), onB.getAccessibleTopology(0));
        assertEquals(1, b.volumes().size());
        assertEquals(0, a.volumes().size());

        // without topology: the node with the most free space
        Volume anywhere = create("anywhere", TopologyRequirement.newBuilder());
        assertEquals("node-a", anywhere.getVolumeContextOrThrow(VolumeContext.NODE));

        // remote attach: node-a consumes a volume that lives on node-b
        PublishContext context = PublishContext.fromMap(
                controller().controllerPublishVolume(publish(onB, "node-a")).getPublishContextMap());
        assertEquals(List.of(TargetAddress.tcp("10.0.0.2", 4420)), context.targets());
        assertEquals(List.of(NQN_A), b.exports().values().iterator().next().getAllowedHostNqnsList());

        // published volumes map back to node ids through spec.hostNqn
        assertEquals(java.util.Optional.of("node-a"), directory.nodeIdOf(NQN_A));
        assertEquals(Map.of(ENDPOINT_A, 1, ENDPOINT_B, 1), opened, "one channel per node, reused by every call");
    }

    @Test
    void offlineAndNotReadyNodesAreNotCandidatesAndCallsToThemAreUnavailable() {
        Volume onB = create("on-b", TopologyRequirement.newBuilder().addRequisite(node("node-b")));

        api.put(storageNode("node-b", NQN_B, ENDPOINT_B, "Offline", "False", "0.0.0.0"));
        await(() -> names(directory.storageNodes()).equals(List.of("node-a")));
        assertTrue(directory.whyUnavailable("node-b").orElseThrow().contains("node-b is Offline"));

        assertCode(
                Code.RESOURCE_EXHAUSTED,
                () -> create("nowhere", TopologyRequirement.newBuilder().addRequisite(node("node-b"))));
        StatusRuntimeException publish =
                assertCode(Code.UNAVAILABLE, () -> controller().controllerPublishVolume(publish(onB, "node-a")));
        assertTrue(
                publish.getStatus().getDescription().contains("node-b"),
                publish.getStatus().getDescription());
        assertCode(
                Code.UNAVAILABLE,
                () -> controller()
                        .deleteVolume(DeleteVolumeRequest.newBuilder()
                                .setVolumeId(onB.getVolumeId())
                                .build()));
        assertEquals(1, b.volumes().size(), "nothing was deleted behind the offline node's back");
        // an export on the offline node may still allow the consumer: not "done", but retry later
        assertCode(
                Code.UNAVAILABLE,
                () -> controller()
                        .controllerUnpublishVolume(ControllerUnpublishVolumeRequest.newBuilder()
                                .setVolumeId(onB.getVolumeId())
                                .setNodeId("node-a")
                                .build()));
        assertCode(
                Code.UNAVAILABLE,
                () -> controller()
                        .controllerGetVolume(ControllerGetVolumeRequest.newBuilder()
                                .setVolumeId(onB.getVolumeId())
                                .build()));

        // Online but its dataplane is not serving: still no candidate
        api.put(storageNode("node-b", NQN_B, ENDPOINT_B, "Online", "False", "0.0.0.0"));
        await(() -> directory.whyUnavailable("node-b").orElse("").contains("not Ready"));
        assertEquals(List.of("node-a"), names(directory.storageNodes()));

        api.put(storageNode("node-b", NQN_B, ENDPOINT_B, "Online", "True", "0.0.0.0"));
        await(() -> names(directory.storageNodes()).equals(List.of("node-a", "node-b")));
        controller().controllerPublishVolume(publish(onB, "node-a"));
    }

    @Test
    void aRemovedStorageNodeIsNamedAndItsChannelClosed() {
        Volume onB = create("on-b", TopologyRequirement.newBuilder().addRequisite(node("node-b")));
        assertTrue(channels.endpoints().containsKey("node-b"));

        api.delete("node-b");
        await(() -> !channels.endpoints().containsKey("node-b"));
        assertEquals(List.of("node-a"), names(directory.storageNodes()));
        StatusRuntimeException e =
                assertCode(Code.UNAVAILABLE, () -> controller().controllerPublishVolume(publish(onB, "node-a")));
        assertTrue(
                e.getStatus().getDescription().contains("there is no StorageNode node-b"),
                e.getStatus().getDescription());
    }

    @Test
    void consumersNeedAStorageNodeWithAHostNqn() {
        Volume onA = create("on-a", TopologyRequirement.newBuilder().addRequisite(node("node-a")));
        StatusRuntimeException noObject =
                assertCode(Code.NOT_FOUND, () -> controller().controllerPublishVolume(publish(onA, "worker-z")));
        assertTrue(
                noObject.getStatus().getDescription().contains("worker-z"),
                noObject.getStatus().getDescription());
        StatusRuntimeException noNqn = assertCode(
                Code.FAILED_PRECONDITION, () -> controller().controllerPublishVolume(publish(onA, "compute-c")));
        assertTrue(
                noNqn.getStatus().getDescription().contains("StorageNode compute-c has no spec.hostNqn"),
                noNqn.getStatus().getDescription());
        assertTrue(a.exports().isEmpty());
    }

    @Test
    void aMovedDataplaneGetsANewChannel() {
        create("on-b", TopologyRequirement.newBuilder().addRequisite(node("node-b")));
        serve(b, "10.0.9.2:9443"); // the dataplane pod was rescheduled with a new address
        api.put(storageNode("node-b", NQN_B, "10.0.9.2:9443", "Online", "True", "0.0.0.0"));
        await(() -> directory
                .storageNode("node-b")
                .map(n -> n.targets().equals(List.of(TargetAddress.tcp("10.0.9.2", 4420))))
                .orElse(false));
        create("on-b-again", TopologyRequirement.newBuilder().addRequisite(node("node-b")));
        assertEquals(
                ManagementEndpoint.parse("10.0.9.2:9443"), channels.endpoints().get("node-b"));
        assertEquals(2, b.volumes().size());
    }

    @Test
    void aMalformedEndpointMakesTheNodeUnavailableNotTheDirectory() {
        api.put(storageNode("node-b", NQN_B, "not an endpoint", "Online", "True", "0.0.0.0"));
        await(() -> names(directory.storageNodes()).equals(List.of("node-a")));
        String why = directory.whyUnavailable("node-b").orElseThrow();
        assertTrue(why.contains("not an endpoint"), why);
        assertFalse(directory.whyUnavailable("node-a").isPresent());
    }

    @Test
    void withoutTheCrdTheControllerSaysWhatToInstall() {
        // expectation mode, nothing expected: every request is 404, as for a resource nobody defined
        KubernetesMockServer bare = new KubernetesMockServer(false);
        bare.init();
        try (KubernetesClient client = bare.createClient()) {
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalStateException.class,
                    () -> KubernetesNodeDirectory.start(client, channels, Duration.ofSeconds(10)));
            assertTrue(e.getMessage().contains("install Peregrine's CRDs"), e.getMessage());
        } finally {
            bare.destroy();
        }
    }

    // ------------------------------------------------------------------------------- helpers

    private ControllerGrpc.ControllerBlockingStub controller() {
        return controller.withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private void serve(TestDataplane dataplane, String endpoint) {
        String name = InProcessServerBuilder.generateName();
        var builder = InProcessServerBuilder.forName(name).directExecutor();
        dataplane.services().forEach(builder::addService);
        try {
            servers.add(builder.build().start());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        inProcessNames.put(endpoint, name);
    }

    private Volume create(String name, TopologyRequirement.Builder requirement) {
        return controller()
                .createVolume(CreateVolumeRequest.newBuilder()
                        .setName("pvc-" + name)
                        .addVolumeCapabilities(mount("ext4"))
                        .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(64 * MiB))
                        .setAccessibilityRequirements(requirement)
                        .build())
                .getVolume();
    }

    private static ControllerPublishVolumeRequest publish(Volume v, String nodeId) {
        return ControllerPublishVolumeRequest.newBuilder()
                .setVolumeId(v.getVolumeId())
                .setNodeId(nodeId)
                .setVolumeCapability(mount("ext4"))
                .build();
    }

    private static Topology node(String name) {
        return Topology.newBuilder()
                .putSegments(CsiDriver.TOPOLOGY_NODE_KEY, name)
                .build();
    }

    private static List<String> names(List<StorageNode> nodes) {
        return nodes.stream().map(StorageNode::name).toList();
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 20 s");
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
