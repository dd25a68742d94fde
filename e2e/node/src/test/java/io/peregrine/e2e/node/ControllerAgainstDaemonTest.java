package io.peregrine.e2e.node;

import static io.peregrine.csi.conformance.Csi.assertCode;
import static io.peregrine.csi.conformance.Csi.block;
import static io.peregrine.csi.conformance.Csi.mount;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status.Code;
import io.peregrine.csi.server.EpollTransport;
import io.peregrine.csi.v1.CapacityRange;
import io.peregrine.csi.v1.ControllerExpandVolumeRequest;
import io.peregrine.csi.v1.ControllerPublishVolumeRequest;
import io.peregrine.csi.v1.ControllerUnpublishVolumeRequest;
import io.peregrine.csi.v1.CreateVolumeRequest;
import io.peregrine.csi.v1.DeleteVolumeRequest;
import io.peregrine.csi.v1.GetCapacityRequest;
import io.peregrine.csi.v1.ListVolumesRequest;
import io.peregrine.csi.v1.ListVolumesResponse;
import io.peregrine.csi.v1.Volume;
import io.peregrine.csi.volume.PublishContext;
import io.peregrine.csi.volume.TargetAddress;
import io.peregrine.dataplane.api.v1.ExportServiceGrpc;
import io.peregrine.dataplane.api.v1.GetExportRequest;
import io.peregrine.dataplane.api.v1.GetPoolRequest;
import io.peregrine.dataplane.api.v1.Pool;
import io.peregrine.dataplane.api.v1.PoolServiceGrpc;
import io.peregrine.dataplane.api.v1.VolumeServiceGrpc;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the conformance suite cannot see from the CSI side alone: that the daemon really did what
 * the controller answered. Checked through the daemon's own management API and through the
 * NVMe/TCP target with nvmf-target's Java host.
 */
class ControllerAgainstDaemonTest {

    private static final long MiB = 1L << 20;
    private static final long POOL_BYTES = 512 * MiB;

    private RealNode node;
    private final EpollTransport transport = new EpollTransport();
    private ManagedChannel management;

    @BeforeEach
    void start(@TempDir Path dir) {
        node = RealNode.start(dir, POOL_BYTES);
        management = transport.channelTo(node.managementSocket());
    }

    @AfterEach
    void stop() {
        management.shutdownNow();
        transport.close();
        node.close();
    }

    @Test
    void publishAllowsExactlyTheConsumingNodesHostAndUnpublishRevokesIt() {
        Volume v = create("pub", 64 * MiB, Map.of());
        Map<String, String> context = node.controller()
                .controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder()
                        .setVolumeId(v.getVolumeId())
                        .setNodeId(RealNode.NODE)
                        .setVolumeCapability(block())
                        .build())
                .getPublishContextMap();
        PublishContext publish = PublishContext.fromMap(context);
        TargetAddress address = publish.targets().getFirst();
        InetSocketAddress target = new InetSocketAddress(address.traddr(), Integer.parseInt(address.trsvcid()));
        assertEquals(node.target().getPort(), target.getPort(), "the publish context names the daemon's target");

        // the daemon's export lists the node's host NQN, and only it
        var export = ExportServiceGrpc.newBlockingStub(management)
                .getExport(
                        GetExportRequest.newBuilder().setVolumeUuid(uuidOf(v)).build());
        assertEquals(publish.subsystemNqn(), export.getSubsystemNqn());
        assertEquals(List.of(RealNode.HOST_NQN), export.getAllowedHostNqnsList());

        byte[] data = new byte[8192];
        new Random(7).nextBytes(data);
        try (TcpHost allowed = TcpHost.connect(target, publish.subsystemNqn(), RealNode.HOST_NQN)) {
            assertEquals(64 * MiB, allowed.blocks() * allowed.blockSize(), "the namespace is the volume's size");
            assertEquals(0, allowed.write(0, data));
            assertArrayEquals(data, allowed.read(0, data.length / allowed.blockSize()));
        }
        assertThrows(
                RuntimeException.class,
                () -> TcpHost.connect(target, publish.subsystemNqn(), RealNode.OTHER_HOST_NQN)
                        .close(),
                "a host the volume was not published to must be refused at Fabrics Connect");

        node.controller()
                .controllerUnpublishVolume(ControllerUnpublishVolumeRequest.newBuilder()
                        .setVolumeId(v.getVolumeId())
                        .setNodeId(RealNode.NODE)
                        .build());
        assertThrows(
                RuntimeException.class,
                () -> TcpHost.connect(target, publish.subsystemNqn(), RealNode.HOST_NQN)
                        .close(),
                "after ControllerUnpublish the node's host is refused too");
        delete(v);
    }

    @Test
    void clonesAndRestoredSnapshotsCarryTheSourcesData() {
        Volume source = create("src", 64 * MiB, Map.of());
        byte[] data = new byte[4096];
        new Random(11).nextBytes(data);
        try (var attached = attach(source)) {
            assertEquals(0, attached.host.write(100, data));
        }
        var snapshot = node.controller()
                .createSnapshot(io.peregrine.csi.v1.CreateSnapshotRequest.newBuilder()
                        .setName("snap-" + UUID.randomUUID())
                        .setSourceVolumeId(source.getVolumeId())
                        .build())
                .getSnapshot();
        assertEquals(64 * MiB, snapshot.getSizeBytes());
        Volume restored = node.controller()
                .createVolume(request("restored", 64 * MiB, Map.of())
                        .setVolumeContentSource(io.peregrine.csi.v1.VolumeContentSource.newBuilder()
                                .setSnapshot(io.peregrine.csi.v1.VolumeContentSource.SnapshotSource.newBuilder()
                                        .setSnapshotId(snapshot.getSnapshotId())))
                        .build())
                .getVolume();
        Volume clone = node.controller()
                .createVolume(request("clone", 128 * MiB, Map.of())
                        .setVolumeContentSource(io.peregrine.csi.v1.VolumeContentSource.newBuilder()
                                .setVolume(io.peregrine.csi.v1.VolumeContentSource.VolumeSource.newBuilder()
                                        .setVolumeId(source.getVolumeId())))
                        .build())
                .getVolume();
        assertEquals(128 * MiB, clone.getCapacityBytes());
        for (Volume v : List.of(restored, clone)) {
            try (var attached = attach(v)) {
                assertArrayEquals(
                        data, attached.host.read(100, data.length / attached.host.blockSize()), v.getVolumeId());
                assertEquals(v.getCapacityBytes(), attached.host.blocks() * attached.host.blockSize());
            }
        }
    }

    @Test
    void expandGrowsTheVolumeOnTheDaemonAndTheNamespaceTheHostSees() {
        Volume v = create("grow", 64 * MiB, Map.of());
        var grown = node.controller()
                .controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder()
                        .setVolumeId(v.getVolumeId())
                        .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(96 * MiB))
                        .setVolumeCapability(mount("ext4"))
                        .build());
        assertEquals(96 * MiB, grown.getCapacityBytes());
        assertTrue(grown.getNodeExpansionRequired(), "a filesystem volume needs NodeExpandVolume");
        assertEquals(
                96 * MiB,
                VolumeServiceGrpc.newBlockingStub(management)
                        .getVolume(io.peregrine.dataplane.api.v1.GetVolumeRequest.newBuilder()
                                .setUuid(uuidOf(v))
                                .build())
                        .getSizeBytes());
        try (var attached = attach(v)) {
            assertEquals(96 * MiB, attached.host.blocks() * attached.host.blockSize());
        }
    }

    @Test
    void getCapacityIsThePoolsFreeSpaceAndThickVolumesTakeIt() {
        long before = capacity();
        assertEquals(pool().getFreeBytes(), before, "GetCapacity reports the daemon's own free bytes");
        Volume thick = create("thick", 128 * MiB, Map.of("thin", "false"));
        long after = capacity();
        assertEquals(pool().getFreeBytes(), after);
        assertEquals(128 * MiB, before - after, "a thick volume reserves its whole size");
        create("thin", 128 * MiB, Map.of());
        assertEquals(after, capacity(), "a thin volume takes nothing until written");
        delete(thick);
        assertEquals(before, capacity());
    }

    @Test
    void aThickVolumeLargerThanTheFreeSpaceIsResourceExhaustedAndLeavesNothingBehind() {
        long free = pool().getFreeBytes();
        assertCode(
                Code.RESOURCE_EXHAUSTED,
                () -> node.controller()
                        .createVolume(request("huge", free + 64 * MiB, Map.of("thin", "false"))
                                .build()));
        assertEquals(0, pool().getVolumeCount(), "nothing created: " + pool());
        assertEquals(free, pool().getFreeBytes());
        // the pool fills up with thick volumes; the one that no longer fits is refused
        List<Volume> filled = new ArrayList<>();
        long size = 64 * MiB;
        while (pool().getFreeBytes() >= size) {
            filled.add(create("fill" + filled.size(), size, Map.of("thin", "false")));
        }
        assertCode(
                Code.RESOURCE_EXHAUSTED,
                () -> node.controller()
                        .createVolume(request("one-more", size, Map.of("thin", "false"))
                                .build()));
        filled.forEach(this::delete);
        assertEquals(free, pool().getFreeBytes());
    }

    @Test
    void listVolumesPagesThroughTheDaemonsVolumes() {
        Set<String> created = new HashSet<>();
        for (int i = 0; i < 7; i++)
            created.add(create("page" + i, 16 * MiB, Map.of()).getVolumeId());
        Set<String> seen = new HashSet<>();
        String token = "";
        int pages = 0;
        do {
            ListVolumesResponse page = node.controller()
                    .listVolumes(ListVolumesRequest.newBuilder()
                            .setMaxEntries(3)
                            .setStartingToken(token)
                            .build());
            assertTrue(page.getEntriesCount() <= 3);
            page.getEntriesList().forEach(e -> assertTrue(seen.add(e.getVolume().getVolumeId()), "listed twice"));
            token = page.getNextToken();
            pages++;
        } while (!token.isEmpty());
        assertEquals(created, seen);
        assertEquals(3, pages);
        assertEquals(
                7,
                VolumeServiceGrpc.newBlockingStub(management)
                        .listVolumes(io.peregrine.dataplane.api.v1.ListVolumesRequest.getDefaultInstance())
                        .getVolumesCount());
    }

    @Test
    void deleteVolumeRemovesItFromTheDaemonAndNotFoundFollows() {
        Volume v = create("del", 16 * MiB, Map.of());
        delete(v);
        assertEquals(0, pool().getVolumeCount());
        assertCode(
                Code.NOT_FOUND,
                () -> node.controller()
                        .controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder()
                                .setVolumeId(v.getVolumeId())
                                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(32 * MiB))
                                .build()));
        assertCode(
                Code.NOT_FOUND,
                () -> node.controller()
                        .controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder()
                                .setVolumeId(v.getVolumeId())
                                .setNodeId(RealNode.NODE)
                                .setVolumeCapability(block())
                                .build()));
        // an incompatible re-create of a live volume
        Volume again = create("del", 16 * MiB, Map.of());
        assertCode(
                Code.ALREADY_EXISTS,
                () -> node.controller()
                        .createVolume(request("del", 16 * MiB, Map.of("thin", "false"))
                                .build()));
        delete(again);
    }

    // ---------------------------------------------------------------------------- helpers

    private record Attached(TcpHost host, Volume volume, ControllerAgainstDaemonTest test) implements AutoCloseable {
        @Override
        public void close() {
            host.close();
            test.node
                    .controller()
                    .controllerUnpublishVolume(ControllerUnpublishVolumeRequest.newBuilder()
                            .setVolumeId(volume.getVolumeId())
                            .setNodeId(RealNode.NODE)
                            .build());
        }
    }

    private Attached attach(Volume v) {
        PublishContext publish = PublishContext.fromMap(node.controller()
                .controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder()
                        .setVolumeId(v.getVolumeId())
                        .setNodeId(RealNode.NODE)
                        .setVolumeCapability(block())
                        .build())
                .getPublishContextMap());
        TargetAddress a = publish.targets().getFirst();
        return new Attached(
                TcpHost.connect(
                        new InetSocketAddress(a.traddr(), Integer.parseInt(a.trsvcid())),
                        publish.subsystemNqn(),
                        RealNode.HOST_NQN),
                v,
                this);
    }

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    private CreateVolumeRequest.Builder request(String name, long bytes, Map<String, String> parameters) {
        return CreateVolumeRequest.newBuilder()
                .setName("pvc-" + name + "-" + suffix)
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(bytes))
                .addVolumeCapabilities(block())
                .putAllParameters(parameters);
    }

    private Volume create(String name, long bytes, Map<String, String> parameters) {
        return node.controller()
                .createVolume(request(name, bytes, parameters).build())
                .getVolume();
    }

    private void delete(Volume v) {
        node.controller()
                .deleteVolume(DeleteVolumeRequest.newBuilder()
                        .setVolumeId(v.getVolumeId())
                        .build());
    }

    private long capacity() {
        return node.controller()
                .getCapacity(GetCapacityRequest.newBuilder()
                        .addVolumeCapabilities(block())
                        .build())
                .getAvailableCapacity();
    }

    private Pool pool() {
        return PoolServiceGrpc.newBlockingStub(management)
                .getPool(GetPoolRequest.newBuilder().setName(RealNode.POOL).build());
    }

    /** The daemon's volume UUID: the CSI volume id is {@code <node>/<uuid>}. */
    private static String uuidOf(Volume v) {
        String id = v.getVolumeId();
        return id.substring(id.indexOf('/') + 1);
    }
}
