package io.peregrine.dataplane.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peregrine.dataplane.api.v1.AddHostRequest;
import io.peregrine.dataplane.api.v1.CheckHealthRequest;
import io.peregrine.dataplane.api.v1.CheckPoolRequest;
import io.peregrine.dataplane.api.v1.CreateCloneRequest;
import io.peregrine.dataplane.api.v1.CreatePoolRequest;
import io.peregrine.dataplane.api.v1.CreateSnapshotRequest;
import io.peregrine.dataplane.api.v1.CreateVolumeRequest;
import io.peregrine.dataplane.api.v1.DeleteVolumeRequest;
import io.peregrine.dataplane.api.v1.DestroyPoolRequest;
import io.peregrine.dataplane.api.v1.Export;
import io.peregrine.dataplane.api.v1.ExportPoolRequest;
import io.peregrine.dataplane.api.v1.ExportServiceGrpc;
import io.peregrine.dataplane.api.v1.GetExportRequest;
import io.peregrine.dataplane.api.v1.GetNodeInfoRequest;
import io.peregrine.dataplane.api.v1.GetPoolRequest;
import io.peregrine.dataplane.api.v1.GetVolumeRequest;
import io.peregrine.dataplane.api.v1.GetVolumeStatsRequest;
import io.peregrine.dataplane.api.v1.GrowVolumeRequest;
import io.peregrine.dataplane.api.v1.Health;
import io.peregrine.dataplane.api.v1.ImportPoolRequest;
import io.peregrine.dataplane.api.v1.ListExportsRequest;
import io.peregrine.dataplane.api.v1.ListPoolsRequest;
import io.peregrine.dataplane.api.v1.ListVolumesRequest;
import io.peregrine.dataplane.api.v1.NodeInfo;
import io.peregrine.dataplane.api.v1.NodeServiceGrpc;
import io.peregrine.dataplane.api.v1.Pool;
import io.peregrine.dataplane.api.v1.PoolAndName;
import io.peregrine.dataplane.api.v1.PoolServiceGrpc;
import io.peregrine.dataplane.api.v1.PublishVolumeRequest;
import io.peregrine.dataplane.api.v1.RemoveHostRequest;
import io.peregrine.dataplane.api.v1.UnpublishVolumeRequest;
import io.peregrine.dataplane.api.v1.Volume;
import io.peregrine.dataplane.api.v1.VolumeServiceGrpc;
import io.peregrine.nvmf.core.Nqn;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The management API over the daemon's real Unix socket: every service, the status codes its
 * errors map to (with a message a person can act on), and idempotency of every mutating call.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManagementApiTest {
    private static final long MIB = 1L << 20;

    @TempDir
    static Path dir;

    private Daemon daemon;
    private TestDaemons.Client client;
    private NodeServiceGrpc.NodeServiceBlockingStub nodes;
    private PoolServiceGrpc.PoolServiceBlockingStub pools;
    private VolumeServiceGrpc.VolumeServiceBlockingStub volumes;
    private ExportServiceGrpc.ExportServiceBlockingStub exports;
    private String poolUri;

    @BeforeAll
    void start() {
        daemon = Daemon.start(TestDaemons.config(dir));
        client = new TestDaemons.Client(daemon.management().socket());
        nodes = NodeServiceGrpc.newBlockingStub(client.channel);
        pools = PoolServiceGrpc.newBlockingStub(client.channel);
        volumes = VolumeServiceGrpc.newBlockingStub(client.channel);
        exports = ExportServiceGrpc.newBlockingStub(client.channel);
        poolUri = "file://" + dir.resolve("a.img") + "?size=256M";
        pools.createPool(CreatePoolRequest.newBuilder()
                .setName("a")
                .setDiskUri(poolUri)
                .setClusterSizeBytes(MIB)
                .build());
    }

    @AfterAll
    void stop() {
        client.close();
        daemon.close();
    }

    private static void assertStatus(Status.Code code, String fragment, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
        String message = e.getStatus().getDescription();
        assertTrue(message != null && message.contains(fragment), "message '" + message + "' lacks '" + fragment + "'");
    }

    private Volume create(String name, long bytes) {
        return volumes.createVolume(CreateVolumeRequest.newBuilder()
                .setPool("a")
                .setName(name)
                .setSizeBytes(bytes)
                .build());
    }

    // ------------------------------------------------------------------ node

    @Test
    void nodeInfoAndHealth() {
        NodeInfo info = nodes.getNodeInfo(GetNodeInfoRequest.getDefaultInstance());
        assertEquals("test-node", info.getNodeName());
        assertEquals(TestDaemons.HOST_A, info.getHostNqn());
        assertEquals(1, info.getReactorsCount());
        assertEquals(
                String.valueOf(daemon.targetAddress().getPort()),
                info.getListeners(0).getTrsvcid());
        assertTrue(info.getDevicesList().stream().anyMatch(d -> d.getPool().equals("a")), info.toString());
        Health health = nodes.checkHealth(CheckHealthRequest.getDefaultInstance());
        assertEquals(Health.Status.SERVING, health.getStatus(), health.toString());
    }

    // ------------------------------------------------------------------ pools

    @Test
    void poolsAreIdempotentAndExplainMistakes() {
        Pool again = pools.createPool(CreatePoolRequest.newBuilder()
                .setName("a")
                .setDiskUri(poolUri)
                .setClusterSizeBytes(MIB)
                .build());
        assertEquals("a", again.getName());
        assertTrue(again.getCapacityBytes() > 200 * MIB, again.toString());
        assertStatus(
                Status.Code.ALREADY_EXISTS,
                "a",
                () -> pools.createPool(CreatePoolRequest.newBuilder()
                        .setName("a")
                        .setDiskUri("file://" + dir.resolve("other.img") + "?size=128M")
                        .build()));
        assertStatus(
                Status.Code.INVALID_ARGUMENT,
                "name",
                () -> pools.createPool(CreatePoolRequest.newBuilder()
                        .setName("bad name")
                        .setDiskUri(poolUri)
                        .build()));
        assertStatus(
                Status.Code.INVALID_ARGUMENT,
                "cluster size",
                () -> pools.createPool(CreatePoolRequest.newBuilder()
                        .setName("c")
                        .setDiskUri("file://" + dir.resolve("c.img") + "?size=128M")
                        .setClusterSizeBytes(3 * MIB)
                        .build()));
        assertStatus(
                Status.Code.INVALID_ARGUMENT,
                "URI",
                () -> pools.createPool(CreatePoolRequest.newBuilder()
                        .setName("d")
                        .setDiskUri("nonsense")
                        .build()));
        assertStatus(
                Status.Code.NOT_FOUND,
                "no pool",
                () -> pools.getPool(
                        GetPoolRequest.newBuilder().setName("missing").build()));
        assertTrue(pools.listPools(ListPoolsRequest.getDefaultInstance()).getPoolsList().stream()
                .anyMatch(p -> p.getName().equals("a")));
        var check = pools.checkPool(CheckPoolRequest.newBuilder().setName("a").build());
        assertTrue(check.getClean(), check.toString());
    }

    @Test
    void poolExportImportDestroy() {
        String uri = "file://" + dir.resolve("b.img") + "?size=128M";
        pools.createPool(
                CreatePoolRequest.newBuilder().setName("b").setDiskUri(uri).build());
        Volume v = volumes.createVolume(CreateVolumeRequest.newBuilder()
                .setPool("b")
                .setName("keep")
                .setSizeBytes(8 * MIB)
                .build());
        pools.exportPool(ExportPoolRequest.newBuilder().setName("b").build());
        assertStatus(
                Status.Code.NOT_FOUND,
                "no pool",
                () -> pools.getPool(GetPoolRequest.newBuilder().setName("b").build()));
        // offline check by URI, then import: the volume is back
        var check =
                pools.checkPool(CheckPoolRequest.newBuilder().setDiskUri(uri).build());
        assertTrue(check.getClean(), check.toString());
        Pool imported = pools.importPool(ImportPoolRequest.newBuilder()
                .setDiskUri(uri)
                .setExpectedName("b")
                .build());
        assertEquals(1, imported.getVolumeCount());
        assertEquals(
                imported,
                pools.importPool(ImportPoolRequest.newBuilder().setDiskUri(uri).build()));
        assertStatus(
                Status.Code.FAILED_PRECONDITION,
                "delete them first",
                () -> pools.destroyPool(
                        DestroyPoolRequest.newBuilder().setName("b").build()));
        volumes.deleteVolume(
                DeleteVolumeRequest.newBuilder().setUuid(v.getUuid()).build());
        pools.destroyPool(DestroyPoolRequest.newBuilder().setName("b").build());
        pools.destroyPool(DestroyPoolRequest.newBuilder()
                .setName("b")
                .setAllowMissing(true)
                .build());
        assertStatus(
                Status.Code.NOT_FOUND,
                "no pool",
                () -> pools.destroyPool(
                        DestroyPoolRequest.newBuilder().setName("b").build()));
    }

    // ------------------------------------------------------------------ volumes

    @Test
    void volumesSnapshotsClones() {
        Volume v = create("vol1", 10 * MIB + 1);
        assertEquals(11 * MIB, v.getSizeBytes(), "rounded up to whole 1 MiB clusters");
        assertEquals(Volume.Kind.VOLUME, v.getKind());
        assertEquals(v, create("vol1", 10 * MIB + 1), "the same request answers the same volume");
        assertStatus(Status.Code.ALREADY_EXISTS, "vol1", () -> create("vol1", 64 * MIB));
        assertStatus(Status.Code.INVALID_ARGUMENT, "size_bytes", () -> create("vol0", 0));
        assertStatus(
                Status.Code.NOT_FOUND,
                "no pool",
                () -> volumes.createVolume(CreateVolumeRequest.newBuilder()
                        .setPool("nope")
                        .setName("x")
                        .setSizeBytes(MIB)
                        .build()));

        assertEquals(
                v,
                volumes.getVolume(
                        GetVolumeRequest.newBuilder().setUuid(v.getUuid()).build()));
        assertEquals(
                v,
                volumes.getVolume(GetVolumeRequest.newBuilder()
                        .setPoolAndName(PoolAndName.newBuilder().setPool("a").setName("vol1"))
                        .build()));
        assertStatus(
                Status.Code.INVALID_ARGUMENT,
                "not a UUID",
                () -> volumes.getVolume(
                        GetVolumeRequest.newBuilder().setUuid("123").build()));
        assertStatus(
                Status.Code.NOT_FOUND,
                "no volume",
                () -> volumes.getVolume(GetVolumeRequest.newBuilder()
                        .setUuid(UUID.randomUUID().toString())
                        .build()));

        Volume grown = volumes.growVolume(GrowVolumeRequest.newBuilder()
                .setUuid(v.getUuid())
                .setSizeBytes(16 * MIB)
                .build());
        assertEquals(16 * MIB, grown.getSizeBytes());
        assertEquals(
                grown,
                volumes.growVolume(GrowVolumeRequest.newBuilder()
                        .setUuid(v.getUuid())
                        .setSizeBytes(16 * MIB)
                        .build()));
        assertStatus(
                Status.Code.OUT_OF_RANGE,
                "shrink",
                () -> volumes.growVolume(GrowVolumeRequest.newBuilder()
                        .setUuid(v.getUuid())
                        .setSizeBytes(MIB)
                        .build()));

        Volume snap = volumes.createSnapshot(CreateSnapshotRequest.newBuilder()
                .setSourceUuid(v.getUuid())
                .setName("vol1-snap")
                .build());
        assertEquals(Volume.Kind.SNAPSHOT, snap.getKind());
        assertTrue(snap.getReadOnly());
        assertEquals(
                snap,
                volumes.createSnapshot(CreateSnapshotRequest.newBuilder()
                        .setSourceUuid(v.getUuid())
                        .setName("vol1-snap")
                        .build()));
        assertStatus(
                Status.Code.ALREADY_EXISTS,
                "vol1",
                () -> volumes.createSnapshot(CreateSnapshotRequest.newBuilder()
                        .setSourceUuid(v.getUuid())
                        .setName("vol1")
                        .build()));
        Volume clone = volumes.createClone(CreateCloneRequest.newBuilder()
                .setSnapshotUuid(snap.getUuid())
                .setName("vol1-clone")
                .build());
        assertEquals(Volume.Kind.CLONE, clone.getKind());
        assertEquals(16 * MIB, clone.getSizeBytes());
        assertEquals(
                clone,
                volumes.createClone(CreateCloneRequest.newBuilder()
                        .setSnapshotUuid(snap.getUuid())
                        .setName("vol1-clone")
                        .build()));
        assertStatus(
                Status.Code.INVALID_ARGUMENT,
                "not a snapshot",
                () -> volumes.createClone(CreateCloneRequest.newBuilder()
                        .setSnapshotUuid(v.getUuid())
                        .setName("c2")
                        .build()));
        assertStatus(
                Status.Code.FAILED_PRECONDITION,
                "clones",
                () -> volumes.deleteVolume(
                        DeleteVolumeRequest.newBuilder().setUuid(snap.getUuid()).build()));

        assertEquals(
                3,
                volumes.listVolumes(ListVolumesRequest.newBuilder().setPool("a").build()).getVolumesList().stream()
                        .filter(x -> x.getName().startsWith("vol1"))
                        .count());
        assertEquals(
                0,
                volumes.getVolumeStats(GetVolumeStatsRequest.newBuilder()
                                .setUuid(v.getUuid())
                                .build())
                        .getWriteOps());

        volumes.deleteVolume(
                DeleteVolumeRequest.newBuilder().setUuid(clone.getUuid()).build());
        volumes.deleteVolume(
                DeleteVolumeRequest.newBuilder().setUuid(snap.getUuid()).build());
        volumes.deleteVolume(
                DeleteVolumeRequest.newBuilder().setUuid(v.getUuid()).build());
        volumes.deleteVolume(DeleteVolumeRequest.newBuilder()
                .setUuid(v.getUuid())
                .setAllowMissing(true)
                .build());
        assertStatus(
                Status.Code.NOT_FOUND,
                "allow_missing",
                () -> volumes.deleteVolume(
                        DeleteVolumeRequest.newBuilder().setUuid(v.getUuid()).build()));
    }

    // ------------------------------------------------------------------ exports

    @Test
    void exportsAndHosts() {
        Volume v = create("pub", 4 * MIB);
        PublishVolumeRequest publish = PublishVolumeRequest.newBuilder()
                .setVolumeUuid(v.getUuid())
                .addAllowedHostNqns(TestDaemons.HOST_A)
                .build();
        Export e = exports.publishVolume(publish);
        assertEquals(Nqn.forVolume(UUID.fromString(v.getUuid())), e.getSubsystemNqn());
        assertEquals(1, e.getNamespaceId());
        assertEquals(java.util.List.of(TestDaemons.HOST_A), e.getAllowedHostNqnsList());
        assertFalse(e.getAllowAnyHost());
        assertEquals(e, exports.publishVolume(publish), "publishing again changes nothing");

        Export two = exports.addHost(AddHostRequest.newBuilder()
                .setVolumeUuid(v.getUuid())
                .setHostNqn(TestDaemons.HOST_B)
                .build());
        assertEquals(2, two.getAllowedHostNqnsCount());
        assertEquals(
                two,
                exports.addHost(AddHostRequest.newBuilder()
                        .setVolumeUuid(v.getUuid())
                        .setHostNqn(TestDaemons.HOST_B)
                        .build()));
        assertStatus(
                Status.Code.INVALID_ARGUMENT,
                "host NQN",
                () -> exports.addHost(AddHostRequest.newBuilder()
                        .setVolumeUuid(v.getUuid())
                        .setHostNqn("not-an-nqn")
                        .build()));
        Export one = exports.removeHost(RemoveHostRequest.newBuilder()
                .setVolumeUuid(v.getUuid())
                .setHostNqn(TestDaemons.HOST_A)
                .build());
        assertEquals(java.util.List.of(TestDaemons.HOST_B), one.getAllowedHostNqnsList());
        assertEquals(
                one,
                exports.removeHost(RemoveHostRequest.newBuilder()
                        .setVolumeUuid(v.getUuid())
                        .setHostNqn(TestDaemons.HOST_A)
                        .build()));
        assertEquals(
                one,
                exports.getExport(
                        GetExportRequest.newBuilder().setVolumeUuid(v.getUuid()).build()));
        assertTrue(exports.listExports(ListExportsRequest.getDefaultInstance())
                .getExportsList()
                .contains(one));
        assertEquals(
                e.getSubsystemNqn(),
                volumes.getVolume(GetVolumeRequest.newBuilder()
                                .setUuid(v.getUuid())
                                .build())
                        .getSubsystemNqn());

        assertStatus(
                Status.Code.FAILED_PRECONDITION,
                "unpublish",
                () -> volumes.deleteVolume(
                        DeleteVolumeRequest.newBuilder().setUuid(v.getUuid()).build()));
        UnpublishVolumeRequest unpublish =
                UnpublishVolumeRequest.newBuilder().setVolumeUuid(v.getUuid()).build();
        exports.unpublishVolume(unpublish);
        exports.unpublishVolume(unpublish);
        assertStatus(
                Status.Code.NOT_FOUND,
                "not published",
                () -> exports.getExport(
                        GetExportRequest.newBuilder().setVolumeUuid(v.getUuid()).build()));
        assertStatus(
                Status.Code.NOT_FOUND,
                "not published",
                () -> exports.addHost(AddHostRequest.newBuilder()
                        .setVolumeUuid(v.getUuid())
                        .setHostNqn(TestDaemons.HOST_A)
                        .build()));
        Volume snap = volumes.createSnapshot(CreateSnapshotRequest.newBuilder()
                .setSourceUuid(v.getUuid())
                .setName("pub-snap")
                .build());
        assertStatus(
                Status.Code.FAILED_PRECONDITION,
                "snapshot",
                () -> exports.publishVolume(PublishVolumeRequest.newBuilder()
                        .setVolumeUuid(snap.getUuid())
                        .setAllowAnyHost(true)
                        .build()));
        assertNotEquals("", snap.getUuid());
        volumes.deleteVolume(
                DeleteVolumeRequest.newBuilder().setUuid(snap.getUuid()).build());
        volumes.deleteVolume(
                DeleteVolumeRequest.newBuilder().setUuid(v.getUuid()).build());
    }
}
