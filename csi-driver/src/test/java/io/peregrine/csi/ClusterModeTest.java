package io.peregrine.csi;

import static io.peregrine.csi.conformance.Csi.mount;
import static io.peregrine.csi.testing.MockApiServer.storageNode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.peregrine.csi.server.EpollTransport;
import io.peregrine.csi.testing.MockApiServer;
import io.peregrine.csi.testing.TestDataplane;
import io.peregrine.csi.testing.TestPki;
import io.peregrine.csi.testing.TlsDataplaneServer;
import io.peregrine.csi.v1.CapacityRange;
import io.peregrine.csi.v1.ControllerGrpc;
import io.peregrine.csi.v1.ControllerPublishVolumeRequest;
import io.peregrine.csi.v1.CreateVolumeRequest;
import io.peregrine.csi.v1.IdentityGrpc;
import io.peregrine.csi.v1.ProbeRequest;
import io.peregrine.csi.v1.Topology;
import io.peregrine.csi.v1.TopologyRequirement;
import io.peregrine.csi.v1.Volume;
import io.peregrine.csi.volume.PublishContext;
import io.peregrine.csi.volume.TargetAddress;
import io.peregrine.csi.volume.VolumeContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code csi --mode controller --node-directory kubernetes}: the production assembly on a Unix
 * socket, StorageNode objects in a mock API server, and two dataplanes behind TCP ports that
 * demand client certificates.
 */
class ClusterModeTest {

    private static final String NQN_A = "nqn.2014-08.org.nvmexpress:uuid:aaaaaaaa-0000-4000-8000-000000000001";
    private static final String NQN_B = "nqn.2014-08.org.nvmexpress:uuid:bbbbbbbb-0000-4000-8000-000000000002";

    @TempDir
    Path dir;

    @Test
    void theControllerManagesTheClustersDataplanesOverMutualTls() throws Exception {
        TestPki pki = new TestPki(dir, "peregrine");
        TestPki.Leaf dataplaneCert = pki.issue("dataplane", "peregrine-dataplane");
        TestPki.Leaf controllerCert = pki.issue("controller", "peregrine-csi-controller");
        TestDataplane a = new TestDataplane("node-a").pool("fast", 8L << 30, 4L << 20);
        TestDataplane b = new TestDataplane("node-b").pool("fast", 1L << 30, 4L << 20);
        List<Server> dataplanes = new ArrayList<>();
        try (MockApiServer api = new MockApiServer();
                EpollTransport transport = new EpollTransport()) {
            for (TestDataplane dp : List.of(a, b)) dataplanes.add(TlsDataplaneServer.start(dp, pki, dataplaneCert));
            api.put(storageNode(
                    "node-a", NQN_A, "127.0.0.1:" + dataplanes.get(0).getPort(), "Online", "True", "10.0.1.1"));
            api.put(storageNode(
                    "node-b", NQN_B, "127.0.0.1:" + dataplanes.get(1).getPort(), "Online", "True", "10.0.1.2"));

            CsiOptions options = CsiOptions.parse(
                    new String[] {
                        "--mode=controller",
                        "--endpoint=unix://" + dir.resolve("controller.sock"),
                        "--node-directory=kubernetes",
                        "--tls-cert=" + controllerCert.certificate(),
                        "--tls-key=" + controllerCert.key(),
                        "--tls-ca=" + pki.caFile()
                    },
                    Map.of("KUBE_NODE_NAME", "control-plane-1"));
            try (CsiPlugin _ = CsiPlugin.start(options, api::newClient)) {
                ManagedChannel channel = transport.channelTo(dir.resolve("controller.sock"));
                try {
                    assertTrue(IdentityGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(30, TimeUnit.SECONDS)
                            .probe(ProbeRequest.getDefaultInstance())
                            .getReady()
                            .getValue());
                    var controller = ControllerGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
                    Topology nodeB = Topology.newBuilder()
                            .putSegments(CsiDriver.TOPOLOGY_NODE_KEY, "node-b")
                            .build();
                    Volume v = controller
                            .createVolume(CreateVolumeRequest.newBuilder()
                                    .setName("pvc-cluster")
                                    .addVolumeCapabilities(mount("xfs"))
                                    .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(256L << 20))
                                    .setAccessibilityRequirements(
                                            TopologyRequirement.newBuilder().addRequisite(nodeB))
                                    .build())
                            .getVolume();
                    assertEquals("node-b", v.getVolumeContextOrThrow(VolumeContext.NODE));
                    assertEquals(1, b.volumes().size());

                    PublishContext context = PublishContext.fromMap(controller
                            .controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder()
                                    .setVolumeId(v.getVolumeId())
                                    .setNodeId("node-a")
                                    .setVolumeCapability(mount("xfs"))
                                    .build())
                            .getPublishContextMap());
                    assertEquals(List.of(TargetAddress.tcp("10.0.1.2", 4420)), context.targets());
                    assertEquals(
                            List.of(NQN_A),
                            b.exports().values().iterator().next().getAllowedHostNqnsList());
                } finally {
                    channel.shutdownNow();
                }
            }
        } finally {
            for (Server s : dataplanes) s.shutdownNow().awaitTermination();
        }
    }
}
