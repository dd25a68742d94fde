package io.peregrine.csi.controller;

import static io.peregrine.csi.conformance.Csi.assertCode;
import static io.peregrine.csi.conformance.Csi.mount;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.peregrine.csi.CsiDriver;
import io.peregrine.csi.testing.ControllerFixture;
import io.peregrine.csi.testing.TestDataplane;
import io.peregrine.csi.v1.CapacityRange;
import io.peregrine.csi.v1.ControllerGetVolumeRequest;
import io.peregrine.csi.v1.ControllerPublishVolumeRequest;
import io.peregrine.csi.v1.ControllerUnpublishVolumeRequest;
import io.peregrine.csi.v1.CreateSnapshotRequest;
import io.peregrine.csi.v1.CreateVolumeRequest;
import io.peregrine.csi.v1.DeleteSnapshotRequest;
import io.peregrine.csi.v1.DeleteVolumeRequest;
import io.peregrine.csi.v1.GetCapacityRequest;
import io.peregrine.csi.v1.GetCapacityResponse;
import io.peregrine.csi.v1.ListVolumesRequest;
import io.peregrine.csi.v1.ListVolumesResponse;
import io.peregrine.csi.v1.ProbeRequest;
import io.peregrine.csi.v1.Topology;
import io.peregrine.csi.v1.TopologyRequirement;
import io.peregrine.csi.v1.Volume;
import io.peregrine.csi.v1.VolumeContentSource;
import io.peregrine.csi.volume.PublishContext;
import io.peregrine.csi.volume.TargetAddress;
import io.peregrine.csi.volume.VolumeContext;
import io.peregrine.dataplane.api.v1.Health;
import io.peregrine.dataplane.api.v1.Pool;
import io.peregrine.dataplane.api.v1.Provisioning;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Controller behaviour beyond the conformance suite: placement across nodes and pools, remote
 * attach, concurrency, an unreachable dataplane, readiness, parameters. Uses the test
 * dataplane's knobs, so it does not run against a real daemon.
 */
class ControllerServiceTest {

    private static final long MiB = 1L << 20;
    private static final String NQN_A = "nqn.2014-08.org.nvmexpress:uuid:aaaaaaaa-0000-4000-8000-000000000001";
    private static final String NQN_B = "nqn.2014-08.org.nvmexpress:uuid:bbbbbbbb-0000-4000-8000-000000000002";
    private static final String NQN_C = "nqn.2014-08.org.nvmexpress:uuid:cccccccc-0000-4000-8000-000000000003";

    private final TestDataplane a = new TestDataplane("node-a").pool("fast", 1L << 30, 4 * MiB);
    private final TestDataplane b =
            new TestDataplane("node-b").pool("fast", 4L << 30, 4 * MiB).pool("slow", 8L << 30, 1 * MiB);
    private final ControllerFixture cluster =
            ControllerFixture.cluster(List.of(a, b), Map.of("node-a", NQN_A, "node-b", NQN_B, "compute-c", NQN_C));

    @AfterEach
    void close() {
        cluster.close();
    }

    @Test
    void placesOnThePreferredNodeFirstThenWhereMostSpaceIsFree() {
        Volume preferred = create(
                "pref",
                64 * MiB,
                TopologyRequirement.newBuilder()
                        .addRequisite(node("node-a"))
                        .addRequisite(node("node-b"))
                        .addPreferred(node("node-a"))
                        .build());
        assertEquals("node-a", preferred.getVolumeContextOrThrow(VolumeContext.NODE));
        assertEquals(List.of(node("node-a")), preferred.getAccessibleTopologyList());

        Volume free = create("free", 64 * MiB, TopologyRequirement.getDefaultInstance());
        assertEquals("node-b", free.getVolumeContextOrThrow(VolumeContext.NODE), "node-b has the most free space");
        assertEquals("slow", free.getVolumeContextOrThrow(VolumeContext.POOL), "the emptiest pool there");
    }

    @Test
    void placesOnlyInTheRequisiteTopologyAndTheNamedPool() {
        Volume v = create(
                "req",
                64 * MiB,
                TopologyRequirement.newBuilder().addRequisite(node("node-a")).build());
        assertEquals("node-a", v.getVolumeContextOrThrow(VolumeContext.NODE));

        Volume pooled = cluster.controller()
                .createVolume(request("pooled", 64 * MiB)
                        .putParameters("pool", "fast")
                        .build())
                .getVolume();
        assertEquals("fast", pooled.getVolumeContextOrThrow(VolumeContext.POOL));
        assertEquals("node-b", pooled.getVolumeContextOrThrow(VolumeContext.NODE), "b's fast pool is emptier");

        StatusRuntimeException e = assertCode(
                Code.RESOURCE_EXHAUSTED,
                () -> cluster.controller()
                        .createVolume(request("nopool", 64 * MiB)
                                .putParameters("pool", "none")
                                .build()));
        assertTrue(
                e.getStatus().getDescription().contains("no pool named none"),
                e.getStatus().getDescription());
    }

    @Test
    void thickVolumesMustFitThinOnesMayOvercommit() {
        StatusRuntimeException e = assertCode(
                Code.RESOURCE_EXHAUSTED,
                () -> cluster.controller()
                        .createVolume(request("huge-thick", 20L << 30)
                                .putParameters("thin", "false")
                                .build()));
        assertTrue(
                e.getStatus().getDescription().contains("bytes free"),
                e.getStatus().getDescription());
        Volume thin = cluster.controller()
                .createVolume(request("huge-thin", 20L << 30).build())
                .getVolume();
        assertEquals(20L << 30, thin.getCapacityBytes());
        assertTrue(b.volumes().stream().allMatch(v -> v.getProvisioning() == Provisioning.THIN));
    }

    @Test
    void badParametersAreInvalidArguments() {
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> cluster.controller()
                        .createVolume(request("typo", 64 * MiB)
                                .putParameters("thinn", "true")
                                .build()));
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> cluster.controller()
                        .createVolume(request("thin-x", 64 * MiB)
                                .putParameters("thin", "maybe")
                                .build()));
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> cluster.controller()
                        .createVolume(request("fs-clash", 64 * MiB)
                                .putParameters("fsType", "xfs")
                                .build()));
        // what external-provisioner adds is accepted and recorded
        Volume v = cluster.controller()
                .createVolume(request("meta", 64 * MiB)
                        .putParameters("csi.storage.k8s.io/pvc/name", "data")
                        .putParameters("csi.storage.k8s.io/pvc/namespace", "db")
                        .build())
                .getVolume();
        assertTrue(b.volumes().stream()
                .anyMatch(x -> "data".equals(x.getXattrsOrDefault("csi.storage.k8s.io/pvc/name", ""))));
        assertFalse(v.getVolumeId().isEmpty());
    }

    @Test
    void theFsTypeParameterTravelsToTheNodeInTheVolumeContext() {
        Volume v = cluster.controller()
                .createVolume(CreateVolumeRequest.newBuilder()
                        .setName("pvc-xfs")
                        .addVolumeCapabilities(mount(""))
                        .putParameters("fsType", "xfs")
                        .build())
                .getVolume();
        assertEquals("xfs", v.getVolumeContextOrThrow(VolumeContext.FS_TYPE));
        // a re-create with another fsType is not the same volume
        assertCode(
                Code.ALREADY_EXISTS,
                () -> cluster.controller()
                        .createVolume(CreateVolumeRequest.newBuilder()
                                .setName("pvc-xfs")
                                .addVolumeCapabilities(mount(""))
                                .putParameters("fsType", "ext4")
                                .build()));
    }

    @Test
    void sizesRoundUpToThePoolsClusters() {
        Volume v = create(
                "round",
                5 * MiB + 7,
                TopologyRequirement.newBuilder().addRequisite(node("node-a")).build());
        assertEquals(8 * MiB, v.getCapacityBytes(), "4 MiB clusters on node-a");
        Volume defaulted = cluster.controller()
                .createVolume(CreateVolumeRequest.newBuilder()
                        .setName("pvc-default-size")
                        .addVolumeCapabilities(mount("ext4"))
                        .build())
                .getVolume();
        assertEquals(Capacities.DEFAULT_SIZE, defaulted.getCapacityBytes());
    }

    @Test
    void remoteAttachHandsOutTheStorageNodesAddressAndAllowsTheConsumersHost() {
        Volume v = create(
                "remote",
                64 * MiB,
                TopologyRequirement.newBuilder().addRequisite(node("node-b")).build());
        Map<String, String> context = cluster.controller()
                .controllerPublishVolume(publish(v, "compute-c"))
                .getPublishContextMap();
        PublishContext parsed = PublishContext.fromMap(context);
        assertEquals(List.of(TargetAddress.tcp("10.0.0.2", 4420)), parsed.targets(), "node-b's reachable target");
        String uuid = v.getVolumeId().substring(v.getVolumeId().indexOf('/') + 1);
        assertEquals(List.of(NQN_C), b.exports().get(uuid).getAllowedHostNqnsList());
        assertEquals("nqn.2026-11.io.peregrine:vol:" + uuid, parsed.subsystemNqn());
    }

    @Test
    void aVolumeIsPublishedToOneNodeAtATime() {
        Volume v = create("one-node", 64 * MiB, TopologyRequirement.getDefaultInstance());
        cluster.controller().controllerPublishVolume(publish(v, "node-a"));
        StatusRuntimeException e = assertCode(
                Code.FAILED_PRECONDITION, () -> cluster.controller().controllerPublishVolume(publish(v, "compute-c")));
        assertTrue(
                e.getStatus().getDescription().contains("node-a"), e.getStatus().getDescription());
        cluster.controller()
                .controllerUnpublishVolume(ControllerUnpublishVolumeRequest.newBuilder()
                        .setVolumeId(v.getVolumeId())
                        .setNodeId("node-a")
                        .build());
        cluster.controller().controllerPublishVolume(publish(v, "compute-c"));
        ListVolumesResponse list = cluster.controller().listVolumes(ListVolumesRequest.getDefaultInstance());
        assertEquals(
                List.of("compute-c"),
                list.getEntriesList().stream()
                        .filter(e2 -> e2.getVolume().getVolumeId().equals(v.getVolumeId()))
                        .findFirst()
                        .orElseThrow()
                        .getStatus()
                        .getPublishedNodeIdsList());
    }

    @Test
    void unpublishFromAnUnknownNodeIsNotFoundWhileTheExportStands() {
        Volume v = create("unknown-node", 64 * MiB, TopologyRequirement.getDefaultInstance());
        cluster.controller().controllerPublishVolume(publish(v, "node-a"));
        assertCode(
                Code.NOT_FOUND,
                () -> cluster.controller()
                        .controllerUnpublishVolume(ControllerUnpublishVolumeRequest.newBuilder()
                                .setVolumeId(v.getVolumeId())
                                .setNodeId("gone-node")
                                .build()));
    }

    @Test
    void listVolumesPagesAcrossNodes() {
        Set<String> created = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            created.add(create(
                            "on-a-" + i,
                            8 * MiB,
                            TopologyRequirement.newBuilder()
                                    .addRequisite(node("node-a"))
                                    .build())
                    .getVolumeId());
            created.add(create(
                            "on-b-" + i,
                            8 * MiB,
                            TopologyRequirement.newBuilder()
                                    .addRequisite(node("node-b"))
                                    .build())
                    .getVolumeId());
        }
        Set<String> seen = new HashSet<>();
        String token = "";
        do {
            ListVolumesResponse page = cluster.controller()
                    .listVolumes(ListVolumesRequest.newBuilder()
                            .setMaxEntries(4)
                            .setStartingToken(token)
                            .build());
            assertTrue(page.getEntriesCount() <= 4);
            page.getEntriesList().forEach(e -> assertTrue(seen.add(e.getVolume().getVolumeId())));
            token = page.getNextToken();
        } while (!token.isEmpty());
        assertEquals(created, seen);
    }

    @Test
    void hiddenSnapshotsBehindVolumeClonesGoWithTheirLastClone() {
        Volume source = create("clone-src", 64 * MiB, TopologyRequirement.getDefaultInstance());
        Volume clone = cluster.controller()
                .createVolume(request("clone", 64 * MiB)
                        .setVolumeContentSource(VolumeContentSource.newBuilder()
                                .setVolume(VolumeContentSource.VolumeSource.newBuilder()
                                        .setVolumeId(source.getVolumeId())))
                        .build())
                .getVolume();
        assertEquals(1, snapshotsOn(b), "one hidden snapshot holds the clone's origin");
        assertEquals(
                0,
                cluster.controller()
                        .listSnapshots(io.peregrine.csi.v1.ListSnapshotsRequest.getDefaultInstance())
                        .getEntriesCount(),
                "and it is not a CSI snapshot");
        cluster.controller()
                .deleteVolume(DeleteVolumeRequest.newBuilder()
                        .setVolumeId(clone.getVolumeId())
                        .build());
        assertEquals(0, snapshotsOn(b));
        cluster.controller()
                .deleteVolume(DeleteVolumeRequest.newBuilder()
                        .setVolumeId(source.getVolumeId())
                        .build());
    }

    @Test
    void deletingASnapshotDecouplesTheVolumesRestoredFromIt() {
        Volume source = create("dec-src", 64 * MiB, TopologyRequirement.getDefaultInstance());
        var snap = cluster.controller()
                .createSnapshot(CreateSnapshotRequest.newBuilder()
                        .setSourceVolumeId(source.getVolumeId())
                        .setName("snap-dec")
                        .build())
                .getSnapshot();
        Volume restored = cluster.controller()
                .createVolume(request("dec-restored", 64 * MiB)
                        .setVolumeContentSource(VolumeContentSource.newBuilder()
                                .setSnapshot(VolumeContentSource.SnapshotSource.newBuilder()
                                        .setSnapshotId(snap.getSnapshotId())))
                        .build())
                .getVolume();
        cluster.controller()
                .deleteSnapshot(DeleteSnapshotRequest.newBuilder()
                        .setSnapshotId(snap.getSnapshotId())
                        .build());
        String uuid = restored.getVolumeId().substring(restored.getVolumeId().indexOf('/') + 1);
        var dataplaneVolume = b.volumes().stream()
                .filter(v -> v.getUuid().equals(uuid))
                .findFirst()
                .orElseThrow();
        assertEquals("", dataplaneVolume.getParentUuid(), "restored volume stands alone");
        assertEquals(0, snapshotsOn(b));
    }

    @Test
    void aSecondCallOnABusyVolumeIsAborted() throws Exception {
        CountDownLatch release = b.holdMutations();
        CompletableFuture<Volume> first = CompletableFuture.supplyAsync(() -> cluster.controller()
                .createVolume(request("busy", 64 * MiB).build())
                .getVolume());
        // wait until the first call is inside the dataplane, holding the name
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int before = b.calls();
        while (b.calls() == before && System.nanoTime() < deadline) Thread.sleep(5);
        assertCode(
                Code.ABORTED,
                () -> cluster.controller()
                        .createVolume(request("busy", 64 * MiB).build()));
        release.countDown();
        Volume created = first.get(10, TimeUnit.SECONDS);
        assertEquals(
                created.getVolumeId(),
                cluster.controller()
                        .createVolume(request("busy", 64 * MiB).build())
                        .getVolume()
                        .getVolumeId(),
                "and once it finished the retry is answered idempotently");
    }

    @Test
    void anUnreachableDataplaneIsUnavailableNeverADuplicate() {
        Volume v = create(
                "before-outage",
                64 * MiB,
                TopologyRequirement.newBuilder().addRequisite(node("node-b")).build());
        b.unreachable(true);
        assertCode(
                Code.UNAVAILABLE,
                () -> cluster.controller()
                        .createVolume(request("before-outage", 64 * MiB).build()));
        assertCode(Code.UNAVAILABLE, () -> cluster.controller().controllerPublishVolume(publish(v, "node-a")));
        assertCode(
                Code.UNAVAILABLE,
                () -> cluster.controller()
                        .deleteVolume(DeleteVolumeRequest.newBuilder()
                                .setVolumeId(v.getVolumeId())
                                .build()));
        b.unreachable(false);
        assertEquals(
                v.getVolumeId(),
                cluster.controller()
                        .createVolume(request("before-outage", 64 * MiB).build())
                        .getVolume()
                        .getVolumeId());
    }

    @Test
    void getCapacityPerNodeAndPoolReportsFreeBytesAndSizeLimits() {
        GetCapacityResponse onB = cluster.controller()
                .getCapacity(GetCapacityRequest.newBuilder()
                        .setAccessibleTopology(node("node-b"))
                        .build());
        assertEquals(12L << 30, onB.getAvailableCapacity());
        assertEquals(8L << 30, onB.getMaximumVolumeSize().getValue(), "thin: as large as the largest pool");
        assertEquals(1 * MiB, onB.getMinimumVolumeSize().getValue(), "the smallest cluster");
        GetCapacityResponse fastOnly = cluster.controller()
                .getCapacity(GetCapacityRequest.newBuilder()
                        .setAccessibleTopology(node("node-b"))
                        .putParameters("pool", "fast")
                        .build());
        assertEquals(4L << 30, fastOnly.getAvailableCapacity());
        a.poolState("fast", Pool.State.ERROR, "disk gone");
        assertEquals(
                0,
                cluster.controller()
                        .getCapacity(GetCapacityRequest.newBuilder()
                                .setAccessibleTopology(node("node-a"))
                                .build())
                        .getAvailableCapacity(),
                "a pool in error offers nothing");
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> cluster.controller()
                        .getCapacity(GetCapacityRequest.newBuilder()
                                .putParameters("bogus", "1")
                                .build()));
    }

    @Test
    void volumeConditionFollowsThePoolState() {
        Volume v = create(
                "cond",
                64 * MiB,
                TopologyRequirement.newBuilder().addRequisite(node("node-a")).build());
        a.poolState("fast", Pool.State.DEGRADED, "1 of 2 paths lost");
        var got = cluster.controller()
                .controllerGetVolume(ControllerGetVolumeRequest.newBuilder()
                        .setVolumeId(v.getVolumeId())
                        .build());
        assertTrue(got.getStatus().getVolumeCondition().getAbnormal());
        assertTrue(got.getStatus().getVolumeCondition().getMessage().contains("1 of 2 paths lost"));
    }

    @Test
    void probeReflectsDataplaneReachability() {
        assertTrue(cluster.identity()
                .probe(ProbeRequest.getDefaultInstance())
                .getReady()
                .getValue());
        a.health(Health.Status.NOT_SERVING);
        assertFalse(
                cluster.identity()
                        .probe(ProbeRequest.getDefaultInstance())
                        .getReady()
                        .getValue(),
                "starting: healthy but not ready");
        a.health(Health.Status.SERVING);
        a.unreachable(true);
        assertCode(Code.FAILED_PRECONDITION, () -> cluster.identity().probe(ProbeRequest.getDefaultInstance()));
    }

    @Test
    void aSnapshotNameCannotBeReusedForAnotherSource() {
        Volume x = create(
                "sx",
                8 * MiB,
                TopologyRequirement.newBuilder().addRequisite(node("node-a")).build());
        Volume y = create(
                "sy",
                8 * MiB,
                TopologyRequirement.newBuilder().addRequisite(node("node-b")).build());
        cluster.controller()
                .createSnapshot(CreateSnapshotRequest.newBuilder()
                        .setSourceVolumeId(x.getVolumeId())
                        .setName("same")
                        .build());
        assertCode(
                Code.ALREADY_EXISTS,
                () -> cluster.controller()
                        .createSnapshot(CreateSnapshotRequest.newBuilder()
                                .setSourceVolumeId(y.getVolumeId())
                                .setName("same")
                                .build()));
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> cluster.controller()
                        .createSnapshot(CreateSnapshotRequest.newBuilder()
                                .setSourceVolumeId(x.getVolumeId())
                                .setName("other")
                                .putParameters("retention", "7d")
                                .build()));
    }

    // -------------------------------------------------------------------------- helpers

    private Volume create(String name, long bytes, TopologyRequirement requirement) {
        return cluster.controller()
                .createVolume(request(name, bytes)
                        .setAccessibilityRequirements(requirement)
                        .build())
                .getVolume();
    }

    private static CreateVolumeRequest.Builder request(String name, long bytes) {
        return CreateVolumeRequest.newBuilder()
                .setName("pvc-" + name)
                .addVolumeCapabilities(mount("ext4"))
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(bytes));
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

    private static long snapshotsOn(TestDataplane dp) {
        return dp.volumes().stream()
                .filter(v -> v.getKind() == io.peregrine.dataplane.api.v1.Volume.Kind.SNAPSHOT)
                .count();
    }
}
