package io.peregrine.csi.conformance;

import static io.peregrine.csi.conformance.Csi.assertCode;
import static io.peregrine.csi.conformance.Csi.block;
import static io.peregrine.csi.conformance.Csi.mount;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status.Code;
import io.peregrine.csi.CsiDriver;
import io.peregrine.csi.v1.CapacityRange;
import io.peregrine.csi.v1.ControllerExpandVolumeRequest;
import io.peregrine.csi.v1.ControllerExpandVolumeResponse;
import io.peregrine.csi.v1.ControllerGetCapabilitiesRequest;
import io.peregrine.csi.v1.ControllerGetVolumeRequest;
import io.peregrine.csi.v1.ControllerGrpc;
import io.peregrine.csi.v1.ControllerPublishVolumeRequest;
import io.peregrine.csi.v1.ControllerPublishVolumeResponse;
import io.peregrine.csi.v1.ControllerServiceCapability.RPC.Type;
import io.peregrine.csi.v1.ControllerUnpublishVolumeRequest;
import io.peregrine.csi.v1.CreateSnapshotRequest;
import io.peregrine.csi.v1.CreateVolumeRequest;
import io.peregrine.csi.v1.DeleteSnapshotRequest;
import io.peregrine.csi.v1.DeleteVolumeRequest;
import io.peregrine.csi.v1.GetCapacityRequest;
import io.peregrine.csi.v1.GetCapacityResponse;
import io.peregrine.csi.v1.ListSnapshotsRequest;
import io.peregrine.csi.v1.ListSnapshotsResponse;
import io.peregrine.csi.v1.ListVolumesRequest;
import io.peregrine.csi.v1.ListVolumesResponse;
import io.peregrine.csi.v1.Snapshot;
import io.peregrine.csi.v1.Topology;
import io.peregrine.csi.v1.TopologyRequirement;
import io.peregrine.csi.v1.ValidateVolumeCapabilitiesRequest;
import io.peregrine.csi.v1.ValidateVolumeCapabilitiesResponse;
import io.peregrine.csi.v1.Volume;
import io.peregrine.csi.v1.VolumeCapability;
import io.peregrine.csi.v1.VolumeContentSource;
import io.peregrine.csi.volume.PublishContext;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The Controller service checked against the MUST and SHALL lines of the CSI spec (v1.12.0,
 * section "Controller Service RPC") and the error tables under each RPC. Runs against any
 * {@link ControllerUnderTest}: the test dataplane today, a real daemon when it lands.
 */
public abstract class ControllerConformance {

    private static final long MiB = 1L << 20;
    private static final long GiB = 1L << 30;

    protected abstract ControllerUnderTest system();

    private ControllerGrpc.ControllerBlockingStub controller() {
        return system().controller();
    }

    // ---------------------------------------------------------------------- capabilities

    @Test
    void getCapabilitiesListsEverythingTheServiceImplements() {
        Set<Type> types = new HashSet<>();
        controller()
                .controllerGetCapabilities(ControllerGetCapabilitiesRequest.getDefaultInstance())
                .getCapabilitiesList()
                .forEach(c -> types.add(c.getRpc().getType()));
        assertTrue(
                types.containsAll(List.of(
                        Type.CREATE_DELETE_VOLUME,
                        Type.PUBLISH_UNPUBLISH_VOLUME,
                        Type.LIST_VOLUMES,
                        Type.GET_CAPACITY,
                        Type.CREATE_DELETE_SNAPSHOT,
                        Type.LIST_SNAPSHOTS,
                        Type.CLONE_VOLUME,
                        Type.EXPAND_VOLUME,
                        Type.LIST_VOLUMES_PUBLISHED_NODES,
                        Type.GET_VOLUME,
                        Type.VOLUME_CONDITION)),
                types.toString());
        // LIST_VOLUMES_PUBLISHED_NODES requires PUBLISH_UNPUBLISH_VOLUME (spec, capability table)
        assertTrue(types.contains(Type.PUBLISH_UNPUBLISH_VOLUME));
    }

    // ---------------------------------------------------------------------- CreateVolume

    @Test
    void createVolumeRequiresNameAndCapabilities() {
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> controller()
                        .createVolume(CreateVolumeRequest.newBuilder()
                                .addVolumeCapabilities(mount("ext4"))
                                .build()));
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> controller()
                        .createVolume(CreateVolumeRequest.newBuilder()
                                .setName(unique("no-caps"))
                                .build()));
    }

    @Test
    void createVolumeRejectsCapabilitiesItCannotServe() {
        VolumeCapability multiWriter = mount("ext4").toBuilder()
                .setAccessMode(VolumeCapability.AccessMode.newBuilder()
                        .setMode(VolumeCapability.AccessMode.Mode.MULTI_NODE_MULTI_WRITER))
                .build();
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> controller()
                        .createVolume(request(unique("mnmw"), GiB)
                                .clearVolumeCapabilities()
                                .addVolumeCapabilities(multiWriter)
                                .build()));
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> controller()
                        .createVolume(request(unique("btrfs"), GiB)
                                .clearVolumeCapabilities()
                                .addVolumeCapabilities(mount("btrfs"))
                                .build()));
    }

    @Test
    void createVolumeRejectsNegativeOrCrossedCapacity() {
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> controller()
                        .createVolume(request(unique("neg"), 0)
                                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(-1))
                                .build()));
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> controller()
                        .createVolume(request(unique("crossed"), 0)
                                .setCapacityRange(CapacityRange.newBuilder()
                                        .setRequiredBytes(2 * GiB)
                                        .setLimitBytes(GiB))
                                .build()));
    }

    @Test
    void createVolumeIsIdempotentByName() {
        String name = unique("idem");
        Volume first =
                controller().createVolume(request(name, 100 * MiB).build()).getVolume();
        Volume again =
                controller().createVolume(request(name, 100 * MiB).build()).getVolume();
        assertEquals(first.getVolumeId(), again.getVolumeId());
        assertEquals(first.getCapacityBytes(), again.getCapacityBytes());
        assertEquals(first.getVolumeContextMap(), again.getVolumeContextMap(), "volume_context SHALL NOT change");
        delete(first);
    }

    @Test
    void createVolumeWithTheSameNameButIncompatibleParametersIsAlreadyExists() {
        String name = unique("conflict");
        Volume first =
                controller().createVolume(request(name, 100 * MiB).build()).getVolume();
        assertCode(
                Code.ALREADY_EXISTS,
                () -> controller().createVolume(request(name, 4 * GiB).build()));
        delete(first);
    }

    @Test
    void createVolumeHonoursTheCapacityRangeAndReportsTheRealSize() {
        Volume v = controller()
                .createVolume(request(unique("round"), 100 * MiB + 1).build())
                .getVolume();
        assertTrue(v.getCapacityBytes() >= 100 * MiB + 1, "MUST be at least required_bytes: " + v);
        delete(v);
        Volume exact = controller()
                .createVolume(request(unique("exact"), 0)
                        .setCapacityRange(CapacityRange.newBuilder()
                                .setRequiredBytes(64 * MiB)
                                .setLimitBytes(64 * MiB))
                        .build())
                .getVolume();
        assertEquals(64 * MiB, exact.getCapacityBytes(), "required == limit means exactly that size");
        delete(exact);
    }

    @Test
    void createVolumeThatCannotFitUnderTheLimitIsOutOfRange() {
        // a size that is not a whole number of allocation units, capped just above it
        assertCode(
                Code.OUT_OF_RANGE,
                () -> controller()
                        .createVolume(request(unique("oor"), 0)
                                .setCapacityRange(CapacityRange.newBuilder()
                                        .setRequiredBytes(MiB + 1)
                                        .setLimitBytes(MiB + 2))
                                .build()));
    }

    @Test
    void createVolumeReportsItsAccessibleTopology() {
        Volume v = controller()
                .createVolume(request(unique("topo"), 64 * MiB).build())
                .getVolume();
        assertEquals(1, v.getAccessibleTopologyCount());
        assertTrue(v.getAccessibleTopology(0).getSegmentsMap().containsKey(CsiDriver.TOPOLOGY_NODE_KEY));
        delete(v);
    }

    @Test
    void createVolumeOutsideEveryStorageNodeIsResourceExhausted() {
        assertCode(
                Code.RESOURCE_EXHAUSTED,
                () -> controller()
                        .createVolume(request(unique("nowhere"), 64 * MiB)
                                .setAccessibilityRequirements(TopologyRequirement.newBuilder()
                                        .addRequisite(Topology.newBuilder()
                                                .putSegments(CsiDriver.TOPOLOGY_NODE_KEY, "no-such-node")))
                                .build()));
    }

    @Test
    void createVolumeFromAMissingSnapshotIsNotFound() {
        assertCode(
                Code.NOT_FOUND,
                () -> controller()
                        .createVolume(request(unique("from-missing"), 64 * MiB)
                                .setVolumeContentSource(VolumeContentSource.newBuilder()
                                        .setSnapshot(VolumeContentSource.SnapshotSource.newBuilder()
                                                .setSnapshotId(system().nodeId() + "/" + UUID.randomUUID())))
                                .build()));
        assertCode(
                Code.NOT_FOUND,
                () -> controller()
                        .createVolume(request(unique("clone-missing"), 64 * MiB)
                                .setVolumeContentSource(VolumeContentSource.newBuilder()
                                        .setVolume(VolumeContentSource.VolumeSource.newBuilder()
                                                .setVolumeId("not-a-volume")))
                                .build()));
    }

    @Test
    void createVolumeFromASnapshotAndFromAVolumeReportsTheSource() {
        Volume source = controller()
                .createVolume(request(unique("src"), 64 * MiB).build())
                .getVolume();
        Snapshot snapshot = controller()
                .createSnapshot(CreateSnapshotRequest.newBuilder()
                        .setSourceVolumeId(source.getVolumeId())
                        .setName(unique("snap"))
                        .build())
                .getSnapshot();
        VolumeContentSource fromSnapshot = VolumeContentSource.newBuilder()
                .setSnapshot(VolumeContentSource.SnapshotSource.newBuilder().setSnapshotId(snapshot.getSnapshotId()))
                .build();
        Volume restored = controller()
                .createVolume(request(unique("restored"), 64 * MiB)
                        .setVolumeContentSource(fromSnapshot)
                        .build())
                .getVolume();
        assertEquals(fromSnapshot, restored.getContentSource());
        assertTrue(restored.getCapacityBytes() >= snapshot.getSizeBytes());

        VolumeContentSource fromVolume = VolumeContentSource.newBuilder()
                .setVolume(VolumeContentSource.VolumeSource.newBuilder().setVolumeId(source.getVolumeId()))
                .build();
        Volume cloned = controller()
                .createVolume(request(unique("cloned"), 128 * MiB)
                        .setVolumeContentSource(fromVolume)
                        .build())
                .getVolume();
        assertEquals(fromVolume, cloned.getContentSource());
        assertTrue(cloned.getCapacityBytes() >= 128 * MiB, "a larger clone MUST have the requested size");

        delete(cloned);
        delete(restored);
        controller()
                .deleteSnapshot(DeleteSnapshotRequest.newBuilder()
                        .setSnapshotId(snapshot.getSnapshotId())
                        .build());
        delete(source);
    }

    @Test
    void createVolumeSmallerThanItsSourceIsOutOfRange() {
        Volume source = controller()
                .createVolume(request(unique("big-src"), 256 * MiB).build())
                .getVolume();
        assertCode(
                Code.OUT_OF_RANGE,
                () -> controller()
                        .createVolume(request(unique("too-small"), 0)
                                .setCapacityRange(CapacityRange.newBuilder()
                                        .setRequiredBytes(64 * MiB)
                                        .setLimitBytes(64 * MiB))
                                .setVolumeContentSource(VolumeContentSource.newBuilder()
                                        .setVolume(VolumeContentSource.VolumeSource.newBuilder()
                                                .setVolumeId(source.getVolumeId())))
                                .build()));
        delete(source);
    }

    // ---------------------------------------------------------------------- DeleteVolume

    @Test
    void deleteVolumeRequiresAnId() {
        assertCode(Code.INVALID_ARGUMENT, () -> controller().deleteVolume(DeleteVolumeRequest.getDefaultInstance()));
    }

    @Test
    void deleteVolumeOfAnUnknownVolumeSucceeds() {
        controller()
                .deleteVolume(DeleteVolumeRequest.newBuilder()
                        .setVolumeId("reallyfakevolumeid")
                        .build());
        controller()
                .deleteVolume(DeleteVolumeRequest.newBuilder()
                        .setVolumeId(system().nodeId() + "/" + UUID.randomUUID())
                        .build());
    }

    @Test
    void deleteVolumeTwiceSucceedsBothTimes() {
        Volume v = controller()
                .createVolume(request(unique("del2"), 64 * MiB).build())
                .getVolume();
        delete(v);
        delete(v);
        ListVolumesResponse all = controller().listVolumes(ListVolumesRequest.getDefaultInstance());
        assertTrue(all.getEntriesList().stream()
                .noneMatch(e -> e.getVolume().getVolumeId().equals(v.getVolumeId())));
    }

    @Test
    void deleteVolumeWhilePublishedIsFailedPrecondition() {
        Volume v = controller()
                .createVolume(request(unique("in-use"), 64 * MiB).build())
                .getVolume();
        publish(v, system().nodeId());
        assertCode(Code.FAILED_PRECONDITION, () -> delete(v));
        unpublish(v, system().nodeId());
        delete(v);
    }

    // --------------------------------------------------------------- Controller(Un)Publish

    @Test
    void publishRequiresVolumeNodeAndCapability() {
        Volume v = controller()
                .createVolume(request(unique("pub-args"), 64 * MiB).build())
                .getVolume();
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> controller()
                        .controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder()
                                .setNodeId(system().nodeId())
                                .setVolumeCapability(mount("ext4"))
                                .build()));
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> controller()
                        .controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder()
                                .setVolumeId(v.getVolumeId())
                                .setVolumeCapability(mount("ext4"))
                                .build()));
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> controller()
                        .controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder()
                                .setVolumeId(v.getVolumeId())
                                .setNodeId(system().nodeId())
                                .build()));
        delete(v);
    }

    @Test
    void publishOfAnUnknownVolumeOrToAnUnknownNodeIsNotFound() {
        assertCode(Code.NOT_FOUND, () -> publish("no-such-volume", system().nodeId()));
        assertCode(Code.NOT_FOUND, () -> publish(system().nodeId() + "/" + UUID.randomUUID(), system().nodeId()));
        Volume v = controller()
                .createVolume(request(unique("pub-nonode"), 64 * MiB).build())
                .getVolume();
        assertCode(Code.NOT_FOUND, () -> publish(v.getVolumeId(), "no-such-node"));
        delete(v);
    }

    @Test
    void publishIsIdempotentAndTellsTheNodeHowToAttach() {
        Volume v = controller()
                .createVolume(request(unique("pub"), 64 * MiB).build())
                .getVolume();
        ControllerPublishVolumeResponse first = publish(v, system().nodeId());
        ControllerPublishVolumeResponse again = publish(v, system().nodeId());
        assertEquals(first, again);
        PublishContext context = PublishContext.fromMap(first.getPublishContextMap());
        assertTrue(context.subsystemNqn().startsWith(CsiDriver.VOLUME_NQN_PREFIX), context.toString());
        assertFalse(context.targets().isEmpty());
        assertTrue(!context.nguid().isEmpty() || context.namespaceUuid().isPresent());
        unpublish(v, system().nodeId());
        delete(v);
    }

    @Test
    void unpublishIsIdempotentAndToleratesUnknownVolumes() {
        Volume v = controller()
                .createVolume(request(unique("unpub"), 64 * MiB).build())
                .getVolume();
        publish(v, system().nodeId());
        unpublish(v, system().nodeId());
        unpublish(v, system().nodeId());
        controller()
                .controllerUnpublishVolume(ControllerUnpublishVolumeRequest.newBuilder()
                        .setVolumeId("no-such-volume")
                        .setNodeId(system().nodeId())
                        .build());
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> controller()
                        .controllerUnpublishVolume(ControllerUnpublishVolumeRequest.newBuilder()
                                .setNodeId(system().nodeId())
                                .build()));
        delete(v);
    }

    @Test
    void unpublishWithoutANodeUnpublishesEverywhere() {
        Volume v = controller()
                .createVolume(request(unique("unpub-all"), 64 * MiB).build())
                .getVolume();
        publish(v, system().nodeId());
        controller()
                .controllerUnpublishVolume(ControllerUnpublishVolumeRequest.newBuilder()
                        .setVolumeId(v.getVolumeId())
                        .build());
        delete(v); // would be FAILED_PRECONDITION if still published
    }

    // -------------------------------------------------------- ValidateVolumeCapabilities

    @Test
    void validateVolumeCapabilitiesConfirmsWhatItServesOnly() {
        Volume v = controller()
                .createVolume(request(unique("validate"), 64 * MiB).build())
                .getVolume();
        ValidateVolumeCapabilitiesResponse ok = controller()
                .validateVolumeCapabilities(ValidateVolumeCapabilitiesRequest.newBuilder()
                        .setVolumeId(v.getVolumeId())
                        .addVolumeCapabilities(mount("xfs"))
                        .addVolumeCapabilities(block())
                        .build());
        assertTrue(ok.hasConfirmed(), ok.toString());
        assertEquals(2, ok.getConfirmed().getVolumeCapabilitiesCount());
        ValidateVolumeCapabilitiesResponse no = controller()
                .validateVolumeCapabilities(ValidateVolumeCapabilitiesRequest.newBuilder()
                        .setVolumeId(v.getVolumeId())
                        .addVolumeCapabilities(mount("ext4").toBuilder()
                                .setAccessMode(VolumeCapability.AccessMode.newBuilder()
                                        .setMode(VolumeCapability.AccessMode.Mode.MULTI_NODE_MULTI_WRITER)))
                        .build());
        assertFalse(no.hasConfirmed());
        assertFalse(no.getMessage().isEmpty(), "an unconfirmed answer SHOULD say why");
        delete(v);
    }

    @Test
    void validateVolumeCapabilitiesChecksItsArguments() {
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> controller()
                        .validateVolumeCapabilities(ValidateVolumeCapabilitiesRequest.newBuilder()
                                .addVolumeCapabilities(mount("ext4"))
                                .build()));
        Volume v = controller()
                .createVolume(request(unique("validate-args"), 64 * MiB).build())
                .getVolume();
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> controller()
                        .validateVolumeCapabilities(ValidateVolumeCapabilitiesRequest.newBuilder()
                                .setVolumeId(v.getVolumeId())
                                .build()));
        assertCode(
                Code.NOT_FOUND,
                () -> controller()
                        .validateVolumeCapabilities(ValidateVolumeCapabilitiesRequest.newBuilder()
                                .setVolumeId(system().nodeId() + "/" + UUID.randomUUID())
                                .addVolumeCapabilities(mount("ext4"))
                                .build()));
        delete(v);
    }

    // ----------------------------------------------------------------------- ListVolumes

    @Test
    void listVolumesPagesThroughEveryVolumeExactlyOnce() {
        List<Volume> created = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(controller()
                    .createVolume(request(unique("page" + i), 64 * MiB).build())
                    .getVolume());
        }
        Set<String> seen = new HashSet<>();
        String token = "";
        int pages = 0;
        do {
            ListVolumesResponse page = controller()
                    .listVolumes(ListVolumesRequest.newBuilder()
                            .setMaxEntries(2)
                            .setStartingToken(token)
                            .build());
            assertTrue(page.getEntriesCount() <= 2, "MUST NOT return more than max_entries");
            page.getEntriesList().forEach(e -> assertTrue(seen.add(e.getVolume().getVolumeId()), "listed twice"));
            token = page.getNextToken();
            pages++;
        } while (!token.isEmpty() && pages < 100);
        for (Volume v : created) assertTrue(seen.contains(v.getVolumeId()), v.getVolumeId());
        assertTrue(pages >= 3, "5 volumes in pages of 2");
        created.forEach(this::delete);
    }

    @Test
    void listVolumesRejectsATokenItDidNotIssueWithAborted() {
        assertCode(
                Code.ABORTED,
                () -> controller()
                        .listVolumes(ListVolumesRequest.newBuilder()
                                .setStartingToken("this-is-not-a-token")
                                .build()));
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> controller()
                        .listVolumes(ListVolumesRequest.newBuilder()
                                .setMaxEntries(-1)
                                .build()));
    }

    @Test
    void listVolumesReportsWhereEachVolumeIsPublished() {
        Volume v = controller()
                .createVolume(request(unique("published"), 64 * MiB).build())
                .getVolume();
        publish(v, system().nodeId());
        ListVolumesResponse.Entry entry =
                controller().listVolumes(ListVolumesRequest.getDefaultInstance()).getEntriesList().stream()
                        .filter(e -> e.getVolume().getVolumeId().equals(v.getVolumeId()))
                        .findFirst()
                        .orElseThrow();
        assertEquals(List.of(system().nodeId()), entry.getStatus().getPublishedNodeIdsList());
        unpublish(v, system().nodeId());
        delete(v);
    }

    // ----------------------------------------------------------------------- GetCapacity

    @Test
    void getCapacityReportsPerTopologySegmentAndNothingForUnknownSegments() {
        GetCapacityResponse all = controller().getCapacity(GetCapacityRequest.getDefaultInstance());
        assertTrue(all.getAvailableCapacity() > 0, all.toString());
        GetCapacityResponse here = controller()
                .getCapacity(GetCapacityRequest.newBuilder()
                        .setAccessibleTopology(
                                Topology.newBuilder().putSegments(CsiDriver.TOPOLOGY_NODE_KEY, system().nodeId()))
                        .build());
        assertTrue(here.getAvailableCapacity() > 0 && here.getAvailableCapacity() <= all.getAvailableCapacity());
        GetCapacityResponse nowhere = controller()
                .getCapacity(GetCapacityRequest.newBuilder()
                        .setAccessibleTopology(
                                Topology.newBuilder().putSegments(CsiDriver.TOPOLOGY_NODE_KEY, "no-such-node"))
                        .build());
        assertEquals(0, nowhere.getAvailableCapacity());
    }

    @Test
    void getCapacityShrinksWhenThickVolumesTakeSpace() {
        GetCapacityResponse before = controller()
                .getCapacity(GetCapacityRequest.newBuilder()
                        .putParameters("thin", "false")
                        .build());
        Volume thick = controller()
                .createVolume(request(unique("thick"), 256 * MiB)
                        .putParameters("thin", "false")
                        .build())
                .getVolume();
        GetCapacityResponse after = controller()
                .getCapacity(GetCapacityRequest.newBuilder()
                        .putParameters("thin", "false")
                        .build());
        assertEquals(before.getAvailableCapacity() - thick.getCapacityBytes(), after.getAvailableCapacity());
        delete(thick);
    }

    // ------------------------------------------------------------------------- Snapshots

    @Test
    void createSnapshotIsIdempotentAndConflictsByName() {
        Volume a = controller()
                .createVolume(request(unique("snap-a"), 64 * MiB).build())
                .getVolume();
        Volume b = controller()
                .createVolume(request(unique("snap-b"), 64 * MiB).build())
                .getVolume();
        String name = unique("snapshot");
        Snapshot first = snapshot(a, name);
        Snapshot again = snapshot(a, name);
        assertEquals(first.getSnapshotId(), again.getSnapshotId());
        assertEquals(a.getVolumeId(), first.getSourceVolumeId());
        assertTrue(first.getReadyToUse());
        assertTrue(first.hasCreationTime());
        assertCode(Code.ALREADY_EXISTS, () -> snapshot(b, name));
        controller()
                .deleteSnapshot(DeleteSnapshotRequest.newBuilder()
                        .setSnapshotId(first.getSnapshotId())
                        .build());
        delete(a);
        delete(b);
    }

    @Test
    void createSnapshotChecksItsArguments() {
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> controller()
                        .createSnapshot(CreateSnapshotRequest.newBuilder()
                                .setName(unique("x"))
                                .build()));
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> controller()
                        .createSnapshot(CreateSnapshotRequest.newBuilder()
                                .setSourceVolumeId(system().nodeId() + "/" + UUID.randomUUID())
                                .build()));
        assertCode(
                Code.NOT_FOUND,
                () -> controller()
                        .createSnapshot(CreateSnapshotRequest.newBuilder()
                                .setSourceVolumeId(system().nodeId() + "/" + UUID.randomUUID())
                                .setName(unique("orphan"))
                                .build()));
    }

    @Test
    void deleteSnapshotIsIdempotentAndSparesVolumesRestoredFromIt() {
        Volume source = controller()
                .createVolume(request(unique("keep-src"), 64 * MiB).build())
                .getVolume();
        Snapshot snap = snapshot(source, unique("keep-snap"));
        Volume restored = controller()
                .createVolume(request(unique("keep-restored"), 64 * MiB)
                        .setVolumeContentSource(VolumeContentSource.newBuilder()
                                .setSnapshot(VolumeContentSource.SnapshotSource.newBuilder()
                                        .setSnapshotId(snap.getSnapshotId())))
                        .build())
                .getVolume();
        controller()
                .deleteSnapshot(DeleteSnapshotRequest.newBuilder()
                        .setSnapshotId(snap.getSnapshotId())
                        .build());
        controller()
                .deleteSnapshot(DeleteSnapshotRequest.newBuilder()
                        .setSnapshotId(snap.getSnapshotId())
                        .build());
        controller()
                .deleteSnapshot(DeleteSnapshotRequest.newBuilder()
                        .setSnapshotId("never-was")
                        .build());
        assertCode(
                Code.INVALID_ARGUMENT, () -> controller().deleteSnapshot(DeleteSnapshotRequest.getDefaultInstance()));
        // the restored volume is still there and usable
        controller()
                .validateVolumeCapabilities(ValidateVolumeCapabilitiesRequest.newBuilder()
                        .setVolumeId(restored.getVolumeId())
                        .addVolumeCapabilities(mount("ext4"))
                        .build());
        delete(restored);
        delete(source);
    }

    @Test
    void listSnapshotsFiltersByIdAndSourceAndPages() {
        Volume a = controller()
                .createVolume(request(unique("ls-a"), 64 * MiB).build())
                .getVolume();
        Volume b = controller()
                .createVolume(request(unique("ls-b"), 64 * MiB).build())
                .getVolume();
        Snapshot a1 = snapshot(a, unique("ls-a1"));
        Snapshot a2 = snapshot(a, unique("ls-a2"));
        Snapshot b1 = snapshot(b, unique("ls-b1"));

        ListSnapshotsResponse byId = controller()
                .listSnapshots(ListSnapshotsRequest.newBuilder()
                        .setSnapshotId(a2.getSnapshotId())
                        .build());
        assertEquals(List.of(a2.getSnapshotId()), ids(byId));
        ListSnapshotsResponse bySource = controller()
                .listSnapshots(ListSnapshotsRequest.newBuilder()
                        .setSourceVolumeId(a.getVolumeId())
                        .build());
        assertEquals(Set.of(a1.getSnapshotId(), a2.getSnapshotId()), Set.copyOf(ids(bySource)));
        ListSnapshotsResponse unknown = controller()
                .listSnapshots(ListSnapshotsRequest.newBuilder()
                        .setSnapshotId(system().nodeId() + "/" + UUID.randomUUID())
                        .build());
        assertEquals(0, unknown.getEntriesCount(), "an unknown snapshot_id lists nothing, it is not an error");

        Set<String> seen = new HashSet<>();
        String token = "";
        do {
            ListSnapshotsResponse page = controller()
                    .listSnapshots(ListSnapshotsRequest.newBuilder()
                            .setMaxEntries(1)
                            .setStartingToken(token)
                            .build());
            assertTrue(page.getEntriesCount() <= 1);
            ids(page).forEach(id -> assertTrue(seen.add(id)));
            token = page.getNextToken();
        } while (!token.isEmpty());
        assertTrue(seen.containsAll(List.of(a1.getSnapshotId(), a2.getSnapshotId(), b1.getSnapshotId())));
        assertCode(
                Code.ABORTED,
                () -> controller()
                        .listSnapshots(ListSnapshotsRequest.newBuilder()
                                .setStartingToken("bogus")
                                .build()));

        for (Snapshot s : List.of(a1, a2, b1)) {
            controller()
                    .deleteSnapshot(DeleteSnapshotRequest.newBuilder()
                            .setSnapshotId(s.getSnapshotId())
                            .build());
        }
        delete(a);
        delete(b);
    }

    // ------------------------------------------------------------------------ Expansion

    @Test
    void expandGrowsIdempotentlyAndAsksForNodeExpansion() {
        Volume v = controller()
                .createVolume(request(unique("grow"), 64 * MiB).build())
                .getVolume();
        ControllerExpandVolumeResponse grown = expand(v, 200 * MiB);
        assertTrue(grown.getCapacityBytes() >= 200 * MiB);
        assertTrue(grown.getNodeExpansionRequired());
        ControllerExpandVolumeResponse again = expand(v, 200 * MiB);
        assertEquals(grown.getCapacityBytes(), again.getCapacityBytes());
        ControllerExpandVolumeResponse smaller = expand(v, 100 * MiB);
        assertEquals(grown.getCapacityBytes(), smaller.getCapacityBytes(), "volumes never shrink");
        delete(v);
    }

    @Test
    void expandChecksItsArguments() {
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> controller()
                        .controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder()
                                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(GiB))
                                .build()));
        Volume v = controller()
                .createVolume(request(unique("grow-args"), 64 * MiB).build())
                .getVolume();
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> controller()
                        .controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder()
                                .setVolumeId(v.getVolumeId())
                                .build()));
        assertCode(
                Code.NOT_FOUND,
                () -> controller()
                        .controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder()
                                .setVolumeId(system().nodeId() + "/" + UUID.randomUUID())
                                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(GiB))
                                .build()));
        assertCode(
                Code.OUT_OF_RANGE,
                () -> controller()
                        .controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder()
                                .setVolumeId(v.getVolumeId())
                                .setCapacityRange(CapacityRange.newBuilder()
                                        .setRequiredBytes(MiB)
                                        .setLimitBytes(2 * MiB))
                                .build()));
        delete(v);
    }

    // ----------------------------------------------------------------- ControllerGetVolume

    @Test
    void getVolumeReportsPublicationAndCondition() {
        Volume v = controller()
                .createVolume(request(unique("get"), 64 * MiB).build())
                .getVolume();
        publish(v, system().nodeId());
        var got = controller()
                .controllerGetVolume(ControllerGetVolumeRequest.newBuilder()
                        .setVolumeId(v.getVolumeId())
                        .build());
        assertEquals(v.getVolumeId(), got.getVolume().getVolumeId());
        assertEquals(List.of(system().nodeId()), got.getStatus().getPublishedNodeIdsList());
        assertFalse(got.getStatus().getVolumeCondition().getAbnormal(), got.toString());
        assertCode(
                Code.NOT_FOUND,
                () -> controller()
                        .controllerGetVolume(ControllerGetVolumeRequest.newBuilder()
                                .setVolumeId(system().nodeId() + "/" + UUID.randomUUID())
                                .build()));
        unpublish(v, system().nodeId());
        delete(v);
    }

    // -------------------------------------------------------------------------- helpers

    protected CreateVolumeRequest.Builder request(String name, long requiredBytes) {
        CreateVolumeRequest.Builder b = CreateVolumeRequest.newBuilder()
                .setName(name)
                .addVolumeCapabilities(mount("ext4"))
                .putAllParameters(system().parameters());
        if (requiredBytes > 0) b.setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(requiredBytes));
        return b;
    }

    protected static String unique(String prefix) {
        return "pvc-" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected void delete(Volume v) {
        controller()
                .deleteVolume(DeleteVolumeRequest.newBuilder()
                        .setVolumeId(v.getVolumeId())
                        .build());
    }

    protected ControllerPublishVolumeResponse publish(Volume v, String node) {
        return publish(v.getVolumeId(), node);
    }

    protected ControllerPublishVolumeResponse publish(String volumeId, String node) {
        return controller()
                .controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder()
                        .setVolumeId(volumeId)
                        .setNodeId(node)
                        .setVolumeCapability(mount("ext4"))
                        .build());
    }

    protected void unpublish(Volume v, String node) {
        controller()
                .controllerUnpublishVolume(ControllerUnpublishVolumeRequest.newBuilder()
                        .setVolumeId(v.getVolumeId())
                        .setNodeId(node)
                        .build());
    }

    protected Snapshot snapshot(Volume v, String name) {
        return controller()
                .createSnapshot(CreateSnapshotRequest.newBuilder()
                        .setSourceVolumeId(v.getVolumeId())
                        .setName(name)
                        .build())
                .getSnapshot();
    }

    private ControllerExpandVolumeResponse expand(Volume v, long bytes) {
        return controller()
                .controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder()
                        .setVolumeId(v.getVolumeId())
                        .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(bytes))
                        .setVolumeCapability(mount("ext4"))
                        .build());
    }

    private static List<String> ids(ListSnapshotsResponse response) {
        return response.getEntriesList().stream()
                .map(e -> e.getSnapshot().getSnapshotId())
                .toList();
    }
}
