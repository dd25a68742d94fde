package io.peregrine.csi;

import static io.peregrine.csi.conformance.Csi.assertCode;
import static io.peregrine.csi.conformance.Csi.mount;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.peregrine.csi.server.Endpoint;
import io.peregrine.csi.server.EpollTransport;
import io.peregrine.csi.testing.TestDataplane;
import io.peregrine.csi.v1.CapacityRange;
import io.peregrine.csi.v1.ControllerGrpc;
import io.peregrine.csi.v1.ControllerPublishVolumeRequest;
import io.peregrine.csi.v1.CreateVolumeRequest;
import io.peregrine.csi.v1.IdentityGrpc;
import io.peregrine.csi.v1.NodeGetInfoRequest;
import io.peregrine.csi.v1.NodeGrpc;
import io.peregrine.csi.v1.ProbeRequest;
import io.peregrine.csi.v1.Volume;
import io.peregrine.csi.volume.PublishContext;
import io.peregrine.csi.volume.TargetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code csi local}: the production assembly, controller and node sockets side by side, against
 * a dataplane on a Unix socket (the test double stands in for the daemon until it lands).
 */
class LocalModeTest {

    @TempDir
    Path dir;

    @Test
    void servesControllerAndNodeSocketsAgainstTheLocalDataplane() throws Exception {
        TestDataplane dataplane = new TestDataplane("laptop").pool("local", 8L << 30, 4L << 20);
        Path dataplaneSocket = dir.resolve("dp.sock");
        try (EpollTransport transport = new EpollTransport()) {
            NettyServerBuilder builder = transport.serverOn(dataplaneSocket);
            dataplane.services().forEach(builder::addService);
            Server daemon = builder.build().start();
            CsiOptions options = CsiOptions.parse(
                    new String[] {
                        "local",
                        "--dataplane",
                        "unix://" + dataplaneSocket,
                        "--socket-dir",
                        dir.resolve("csi").toString(),
                        "--nvme-dir",
                        dir.resolve("nvme").toString(),
                        "--node-id",
                        "laptop"
                    },
                    Map.of());
            try (CsiPlugin plugin = CsiPlugin.start(options)) {
                assertEquals(
                        List.of(
                                new Endpoint(dir.resolve("csi/controller.sock")),
                                new Endpoint(dir.resolve("csi/node.sock"))),
                        plugin.endpoints());
                ManagedChannel controllerChannel = transport.channelTo(dir.resolve("csi/controller.sock"));
                ManagedChannel nodeChannel = transport.channelTo(dir.resolve("csi/node.sock"));

                assertTrue(IdentityGrpc.newBlockingStub(controllerChannel)
                        .probe(ProbeRequest.getDefaultInstance())
                        .getReady()
                        .getValue());
                Volume v = ControllerGrpc.newBlockingStub(controllerChannel)
                        .createVolume(CreateVolumeRequest.newBuilder()
                                .setName("pvc-local")
                                .addVolumeCapabilities(mount("ext4"))
                                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(1L << 30))
                                .build())
                        .getVolume();
                assertTrue(v.getVolumeId().startsWith("laptop/"));
                PublishContext context = PublishContext.fromMap(ControllerGrpc.newBlockingStub(controllerChannel)
                        .controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder()
                                .setVolumeId(v.getVolumeId())
                                .setNodeId("laptop")
                                .setVolumeCapability(mount("ext4"))
                                .build())
                        .getPublishContextMap());
                assertEquals(List.of(TargetAddress.tcp("127.0.0.1", 4420)), context.targets(), "0.0.0.0 via loopback");
                String hostNqn = Files.readString(dir.resolve("nvme/hostnqn")).strip();
                assertEquals(
                        List.of(hostNqn),
                        dataplane.exports().values().iterator().next().getAllowedHostNqnsList(),
                        "the node plugin's generated host NQN is what the export allows");

                assertEquals(
                        "laptop",
                        NodeGrpc.newBlockingStub(nodeChannel)
                                .nodeGetInfo(NodeGetInfoRequest.getDefaultInstance())
                                .getNodeId());
                if (!Files.exists(Path.of("/dev/nvme-fabrics"))) {
                    var e = assertCode(
                            Status.Code.FAILED_PRECONDITION,
                            () -> IdentityGrpc.newBlockingStub(nodeChannel).probe(ProbeRequest.getDefaultInstance()));
                    assertTrue(e.getStatus().getDescription().contains("modprobe nvme-tcp"));
                }
                dataplane.unreachable(true);
                assertCode(
                        Status.Code.FAILED_PRECONDITION,
                        () -> IdentityGrpc.newBlockingStub(controllerChannel).probe(ProbeRequest.getDefaultInstance()));
                controllerChannel.shutdownNow();
                nodeChannel.shutdownNow();
            } finally {
                daemon.shutdownNow();
            }
        }
    }
}
