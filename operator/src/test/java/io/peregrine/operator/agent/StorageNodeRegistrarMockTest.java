package io.peregrine.operator.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.peregrine.dataplane.api.v1.Device;
import io.peregrine.dataplane.api.v1.Health;
import io.peregrine.dataplane.api.v1.NodeInfo;
import io.peregrine.operator.crd.Condition;
import io.peregrine.operator.crd.Crds;
import io.peregrine.operator.crd.NodeState;
import io.peregrine.operator.crd.StorageNode;
import io.peregrine.operator.testing.MockCluster;
import io.peregrine.operator.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The piece the node agent calls: StorageNode create-or-update from NodeInfo, and the node Lease. */
class StorageNodeRegistrarMockTest {

    private MockCluster cluster;
    private KubernetesClient client;
    private MutableClock clock;
    private StorageNodeRegistrar registrar;

    private final NodeInfo info = NodeInfo.newBuilder()
            .setNodeName("node-a")
            .setVersion("0.1.0")
            .setHostNqn("nqn.2014-08.org.nvmexpress:uuid:1234")
            .addDevices(Device.newBuilder()
                    .setUri("pcie://0000:00:04.0")
                    .setKind(Device.Kind.NVME_PCIE)
                    .setModel("Samsung SSD 990 PRO")
                    .setSerial("S7DNNJ0W")
                    .setSizeBytes(2_000_398_934_016L))
            .build();
    private final Health serving =
            Health.newBuilder().setStatus(Health.Status.SERVING).build();

    @BeforeEach
    void start() {
        cluster = new MockCluster();
        client = cluster.newClient();
        clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
        registrar = new StorageNodeRegistrar(
                client, MockCluster.NAMESPACE, "node-a", Duration.ofSeconds(40), Duration.ofMinutes(5), clock);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private StorageNode node() {
        return cluster.admin().resources(StorageNode.class).withName("node-a").get();
    }

    private Lease lease() {
        return cluster.admin()
                .leases()
                .inNamespace(MockCluster.NAMESPACE)
                .withName("peregrine-node-node-a")
                .get();
    }

    @Test
    void createsTheStorageNodeOnceAndWritesAgainOnlyOnChange() {
        assertTrue(registrar.register(info, serving, "10.0.0.7:9443"));
        StorageNode sn = node();
        assertEquals("nqn.2014-08.org.nvmexpress:uuid:1234", sn.getSpec().hostNqn());
        assertEquals("10.0.0.7:9443", sn.getStatus().managementEndpoint());
        assertEquals("Samsung SSD 990 PRO", sn.getStatus().devices().getFirst().model());
        assertEquals("2026-11-21T10:00:00Z", sn.getStatus().lastHeartbeatTime());
        String version = sn.getMetadata().getResourceVersion();

        clock.advance(Duration.ofSeconds(10));
        assertFalse(registrar.register(info, serving, "10.0.0.7:9443"), "nothing changed");
        assertEquals(version, node().getMetadata().getResourceVersion());

        Health degraded = Health.newBuilder().setStatus(Health.Status.DEGRADED).build();
        assertTrue(registrar.register(info, degraded, "10.0.0.7:9443"));
        assertEquals("Degraded", node().getStatus().health().status());
        assertEquals("2026-11-21T10:00:10Z", node().getStatus().lastHeartbeatTime());
    }

    @Test
    void rewritesStatusWhenItGetsStale() {
        registrar.register(info, serving, "10.0.0.7:9443");
        clock.advance(Duration.ofMinutes(5));
        assertTrue(registrar.register(info, serving, "10.0.0.7:9443"));
        assertEquals("2026-11-21T10:05:00Z", node().getStatus().lastHeartbeatTime());
    }

    @Test
    void updatesTheSpecWhenTheDataplaneChanges() {
        registrar.register(info, serving, "10.0.0.7:9443");
        long generation = node().getMetadata().getGeneration();
        registrar.register(
                info.toBuilder()
                        .setHostNqn("nqn.2014-08.org.nvmexpress:uuid:5678")
                        .build(),
                serving,
                "10.0.0.7:9443");
        assertEquals("nqn.2014-08.org.nvmexpress:uuid:5678", node().getSpec().hostNqn());
        assertTrue(node().getMetadata().getGeneration() > generation);
    }

    @Test
    void keepsTheFieldsTheOperatorOwns() {
        registrar.register(info, serving, "10.0.0.7:9443");
        StorageNode sn = node();
        Condition ready = new Condition("Ready", "True", "LeaseRenewed", "fine", 1L, "2026-11-21T10:00:00Z");
        sn.setStatus(sn.getStatus().withOperatorFields(NodeState.Online, List.of(ready), 1L));
        cluster.admin().resource(sn).updateStatus();

        registrar.register(info, serving, "10.0.0.8:9443");
        assertEquals("10.0.0.8:9443", node().getStatus().managementEndpoint());
        assertEquals(NodeState.Online, node().getStatus().state());
        assertEquals(List.of(ready), node().getStatus().conditions());
    }

    @Test
    void createsAndRenewsTheLease() {
        registrar.renewLease();
        Lease lease = lease();
        assertEquals("node-a", lease.getSpec().getHolderIdentity());
        assertEquals(40, lease.getSpec().getLeaseDurationSeconds());
        assertEquals("node-a", lease.getMetadata().getLabels().get(Crds.NODE_LABEL));
        var first = lease.getSpec().getRenewTime();

        clock.advance(Duration.ofSeconds(13));
        registrar.renewLease();
        assertNotEquals(first, lease().getSpec().getRenewTime());
        assertEquals(
                first.plusSeconds(13).toInstant(),
                lease().getSpec().getRenewTime().toInstant());
        assertEquals(first.toInstant(), lease().getSpec().getAcquireTime().toInstant());

        registrar.releaseLease();
        assertEquals(null, lease());
    }
}
