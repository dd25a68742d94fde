package io.peregrine.e2e.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.dataplane.api.v1.CreateVolumeRequest;
import io.peregrine.dataplane.api.v1.DeleteVolumeRequest;
import io.peregrine.dataplane.api.v1.GetNodeInfoRequest;
import io.peregrine.dataplane.api.v1.GetPoolRequest;
import io.peregrine.dataplane.api.v1.NodeInfo;
import io.peregrine.dataplane.api.v1.NodeServiceGrpc;
import io.peregrine.dataplane.api.v1.Pool;
import io.peregrine.dataplane.api.v1.PoolServiceGrpc;
import io.peregrine.dataplane.api.v1.Volume;
import io.peregrine.dataplane.api.v1.VolumeServiceGrpc;
import io.peregrine.operator.agent.NodeAgentMain;
import io.peregrine.operator.crd.DiskPool;
import io.peregrine.operator.crd.DiskPoolPhase;
import io.peregrine.operator.crd.DiskPoolStatus;
import io.peregrine.operator.crd.NodeState;
import io.peregrine.operator.crd.StorageNode;
import io.peregrine.operator.crd.StorageNodeStatus;
import io.peregrine.operator.model.ConditionTypes;
import io.peregrine.operator.model.Reasons;
import io.peregrine.operator.testing.Await;
import io.peregrine.operator.testing.Dataplanes;
import io.peregrine.operator.testing.MockCluster;
import io.peregrine.operator.testing.OperatorHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator (pool reconciler, node lease tracking) and the node agent against real daemons,
 * with Fabric8's mock API server in CRUD mode: what the cluster objects say is what the daemon
 * reports through its own API.
 */
class OperatorAgainstDaemonTest {

    private OperatorHarness h;
    private Dataplanes.Node node;

    @BeforeEach
    void start(@TempDir Path dir) {
        h = new OperatorHarness(new DaemonDataplanes(dir));
        node = h.addNode("node-a", 2);
        h.startOperator("operator-0");
        awaitNode(NodeState.Online);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void theStorageNodeShowsTheDaemonsOwnNodeInfo() {
        NodeInfo info =
                NodeServiceGrpc.newBlockingStub(node.channel()).getNodeInfo(GetNodeInfoRequest.getDefaultInstance());
        // the operator may mark the node Online from its lease before the agent's first status write lands
        Await.until(
                "node-a registered",
                () -> h.storageNode("node-a").getStatus().version() != null,
                () -> h.storageNode("node-a"));
        StorageNodeStatus s = h.storageNode("node-a").getStatus();
        assertEquals(info.getVersion(), s.version());
        assertEquals(node.endpoint(), s.managementEndpoint());
        assertEquals(info.getReactorsCount(), s.reactors());
        assertEquals(info.getListenersCount(), s.nvmeTcpListeners().size());
        assertEquals(
                info.getListeners(0).getTrsvcid(),
                s.nvmeTcpListeners().getFirst().trsvcid());
        assertTrue(s.lastHeartbeatTime() != null && s.startedAt() != null, s::toString);
        assertEquals(
                info.getDevicesCount(), s.devices() == null ? 0 : s.devices().size(), s::toString);
    }

    @Test
    void aDiskPoolOnAFileDiskIsCreatedOnTheDaemonAndReportsItsRealCapacity() {
        String disk = node.disks().getFirst();
        h.createPool("fast", "node-a", disk);
        awaitPhase("fast", DiskPoolPhase.Online);

        Pool real = PoolServiceGrpc.newBlockingStub(node.channel())
                .getPool(GetPoolRequest.newBuilder().setName("fast").build());
        DiskPoolStatus s = h.pool("fast").getStatus();
        assertEquals(real.getUuid(), s.uuid());
        assertEquals(real.getCapacityBytes(), s.capacityBytes());
        assertEquals(real.getClusterSizeBytes(), s.clusterSizeBytes());
        assertEquals(0, s.volumeCount());
        assertEquals("fast", node.poolOn(disk));

        // a volume made on the daemon shows in the pool's status at the next refresh
        var volumes = VolumeServiceGrpc.newBlockingStub(node.channel());
        Volume v = volumes.createVolume(CreateVolumeRequest.newBuilder()
                .setPool("fast")
                .setName("pvc-1")
                .setSizeBytes(64L << 20)
                .build());
        Await.until("volume counted", () -> h.pool("fast").getStatus().volumeCount() == 1, () -> h.pool("fast"));

        // deletion waits for the volume, then destroys the pool on the daemon
        h.kubectl().resources(DiskPool.class).withName("fast").delete();
        Await.until(
                "deletion blocked",
                () -> h.poolCondition("fast", ConditionTypes.DELETION_BLOCKED)
                        .map(c -> Reasons.POOL_HAS_VOLUMES.equals(c.reason()))
                        .orElse(false),
                () -> h.pool("fast"));
        assertEquals("fast", node.poolOn(disk));
        volumes.deleteVolume(
                DeleteVolumeRequest.newBuilder().setUuid(v.getUuid()).build());
        Await.until("DiskPool gone", () -> h.pool("fast") == null, () -> h.pool("fast"));
        assertTrue(node.loadedPools().isEmpty(), "destroyed on the daemon");
        assertNull(node.poolOn(disk));
    }

    @Test
    void anUnknownDiskSchemeIsRefusedInStatusAndNothingIsCreated() {
        h.createPool("bad", "node-a", "floppy:///dev/fd0");
        Await.until("InvalidSpec", () -> Reasons.INVALID_SPEC.equals(h.readyReason("bad")), () -> h.pool("bad"));
        assertTrue(node.loadedPools().isEmpty());
    }

    @Test
    void theNodeGoesOfflineWhenTheDaemonStopsAndItsPoolComesBackWithIt() {
        h.createPool("fast", "node-a", node.disks().getFirst());
        awaitPhase("fast", DiskPoolPhase.Online);
        node.stop();
        awaitNode(NodeState.Offline);
        node.start(); // the daemon re-imports the pool it remembers
        awaitNode(NodeState.Online);
        awaitPhase("fast", DiskPoolPhase.Online);
        assertEquals("fast", node.poolOn(node.disks().getFirst()));
    }

    @Test
    void nodeAgentMainRegistersADaemonItReachesOverItsSocket() throws Exception {
        Dataplanes.Node b = h.dataplanes.start("node-b", 1); // no in-process agent: the command's
        Process agent = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElseThrow(),
                        "--enable-native-access=ALL-UNNAMED",
                        "-XX:TieredStopAtLevel=1",
                        "-Xmx256m",
                        "-Dkubernetes.master=" + h.kubectl().getMasterUrl(),
                        "-Dkubernetes.auth.tryKubeConfig=false",
                        "-Dkubernetes.auth.tryServiceAccount=false",
                        "-cp",
                        System.getProperty("java.class.path"),
                        NodeAgentMain.class.getName(),
                        "--node",
                        "node-b",
                        "--advertise",
                        b.endpoint(),
                        "--dataplane",
                        b.endpoint(),
                        "--namespace",
                        MockCluster.NAMESPACE,
                        "--lease-duration",
                        "3s",
                        "--renew-interval",
                        "500ms")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            Await.until(
                    "node-b Online and registered",
                    Duration.ofSeconds(90),
                    () -> {
                        StorageNode n = h.storageNode("node-b");
                        return n != null
                                && n.getStatus() != null
                                && n.getStatus().state() == NodeState.Online
                                && n.getStatus().version() != null;
                    },
                    () -> h.storageNode("node-b"));
            assertEquals(b.endpoint(), h.storageNode("node-b").getStatus().managementEndpoint());
            h.createPool("slow", "node-b", b.disks().getFirst());
            awaitPhase("slow", DiskPoolPhase.Online);
            assertEquals("slow", b.poolOn(b.disks().getFirst()));
        } finally {
            agent.destroy();
            agent.waitFor(30, TimeUnit.SECONDS);
        }
        Await.until(
                "node-b Offline once its agent stopped renewing",
                () -> h.storageNode("node-b").getStatus().state() == NodeState.Offline,
                () -> h.storageNode("node-b"));
    }

    private void awaitNode(NodeState state) {
        Await.until(
                "node-a " + state,
                () -> {
                    StorageNode n = h.storageNode("node-a");
                    return n != null && n.getStatus() != null && n.getStatus().state() == state;
                },
                () -> h.storageNode("node-a"));
    }

    private void awaitPhase(String pool, DiskPoolPhase phase) {
        Await.until(
                pool + " " + phase,
                () -> h.pool(pool) != null
                        && h.pool(pool).getStatus() != null
                        && h.pool(pool).getStatus().phase() == phase,
                () -> h.pool(pool));
    }
}
