package io.peregrine.operator.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.peregrine.dataplane.api.v1.Health;
import io.peregrine.operator.crd.Condition;
import io.peregrine.operator.crd.DeviceStatus;
import io.peregrine.operator.crd.DiskPoolPhase;
import io.peregrine.operator.crd.NodeState;
import io.peregrine.operator.crd.StorageNode;
import io.peregrine.operator.crd.StorageNodeSpec;
import io.peregrine.operator.crd.StorageNodeStatus;
import io.peregrine.operator.model.ConditionTypes;
import io.peregrine.operator.model.Conditions;
import io.peregrine.operator.model.Reasons;
import io.peregrine.operator.testing.Await;
import io.peregrine.operator.testing.Dataplanes;
import io.peregrine.operator.testing.OperatorHarness;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** StorageNodes: what the node agent publishes, and how the operator judges them from their leases. */
class StorageNodeMockTest {

    private OperatorHarness h;

    @BeforeEach
    void start() {
        h = new OperatorHarness();
        h.startOperator("operator-0");
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private NodeState state(String node) {
        StorageNode n = h.storageNode(node);
        return n == null || n.getStatus() == null ? null : n.getStatus().state();
    }

    private Condition ready(String node) {
        return Conditions.find(h.storageNode(node).getStatus().conditions(), ConditionTypes.READY)
                .orElseThrow();
    }

    @Test
    void theAgentPublishesWhatTheDataplaneReportsAndTheOperatorJudgesItOnline() {
        Dataplanes.Node node = h.addNode("node-a", 2);
        Await.until("Online", () -> state("node-a") == NodeState.Online, () -> h.storageNode("node-a"));

        StorageNode sn = h.storageNode("node-a");
        StorageNodeSpec spec = sn.getSpec();
        assertEquals("node-a", spec.nodeName());
        assertEquals(List.of(2, 3), spec.cores());
        assertEquals("128Mi", spec.hugepages().toString());
        assertTrue(spec.hostNqn().startsWith("nqn.2014-08.org.nvmexpress:uuid:"), spec.hostNqn());

        StorageNodeStatus s = sn.getStatus();
        assertEquals(node.endpoint(), s.managementEndpoint());
        assertEquals("tcp", s.nvmeTcpListeners().getFirst().trtype());
        assertEquals("4420", s.nvmeTcpListeners().getFirst().trsvcid());
        assertEquals("0.1.0-test", s.version());
        assertEquals("peregrine-node-node-a", s.leaseName());
        assertEquals(2, s.deviceCount());
        DeviceStatus d = s.devices().getFirst();
        assertEquals(node.disks().getFirst(), d.uri());
        assertEquals("NvmePcie", d.kind());
        assertEquals("QEMU NVMe Ctrl", d.model());
        assertEquals("node-a-0", d.serial());
        assertEquals(1L << 30, d.sizeBytes());
        assertEquals("Serving", s.health().status());
        assertNotNull(s.lastHeartbeatTime());
        assertEquals("True", ready("node-a").status());
        assertEquals(Reasons.LEASE_RENEWED, ready("node-a").reason());
        assertEquals(sn.getMetadata().getGeneration(), s.observedGeneration());
        Await.until(
                "NodeOnline event",
                () -> h.eventReasons("node-a").contains(Reasons.NODE_ONLINE),
                () -> h.eventReasons("node-a"));
    }

    @Test
    void aNodeWhoseDataplaneStopsGoesOfflineAndComesBack() {
        Dataplanes.Node node = h.addNode("node-a", 1);
        h.createPool("p", "node-a", node.disks().getFirst());
        Await.until(
                "pool Online",
                () -> h.pool("p").getStatus() != null && h.pool("p").getStatus().phase() == DiskPoolPhase.Online,
                () -> h.pool("p"));

        node.stop(); // the agent stops renewing: the lease means "storage reachable"
        Await.until("Offline", () -> state("node-a") == NodeState.Offline, () -> h.storageNode("node-a"));
        assertEquals(Reasons.LEASE_EXPIRED, ready("node-a").reason());
        assertTrue(
                ready("node-a").message().contains("peregrine/peregrine-node-node-a"),
                ready("node-a").message());
        Await.until("pool Offline", () -> h.pool("p").getStatus().phase() == DiskPoolPhase.Offline, () -> h.pool("p"));
        assertEquals(Reasons.NODE_OFFLINE, h.readyReason("p"));
        Await.until(
                "NodeOffline event",
                () -> h.eventReasons("node-a").contains(Reasons.NODE_OFFLINE),
                () -> h.eventReasons("node-a"));

        node.start();
        Await.until("Online again", () -> state("node-a") == NodeState.Online, () -> h.storageNode("node-a"));
        Await.until(
                "pool Online again", () -> h.pool("p").getStatus().phase() == DiskPoolPhase.Online, () -> h.pool("p"));
    }

    @Test
    void aNodeThatIsNotServingIsNotReady() {
        Dataplanes.Node node = h.addNode("node-a", 1);
        Await.until("Online", () -> state("node-a") == NodeState.Online, () -> h.storageNode("node-a"));
        node.testDouble().orElseThrow().health(Health.Status.NOT_SERVING);
        Await.until(
                "NotServing",
                () -> Reasons.NOT_SERVING.equals(ready("node-a").reason()),
                () -> h.storageNode("node-a"));
        assertEquals(NodeState.Online, state("node-a"), "reachable, though not serving");
        assertTrue(
                ready("node-a").message().contains("listener not bound"),
                ready("node-a").message());
    }

    @Test
    void aStorageNodeWithoutALeaseIsOfflineAfterTheGracePeriod() {
        StorageNode orphan = new StorageNode();
        orphan.setMetadata(new ObjectMetaBuilder().withName("ghost").build());
        orphan.setSpec(new StorageNodeSpec("ghost", null, null, null));
        h.kubectl().resource(orphan).create();
        Await.until("Offline", () -> state("ghost") == NodeState.Offline, () -> h.storageNode("ghost"));
        assertEquals(Reasons.LEASE_MISSING, ready("ghost").reason());
    }
}
