package io.peregrine.csi.conformance;

import static io.peregrine.csi.conformance.Csi.assertCode;
import static io.peregrine.csi.conformance.Csi.block;
import static io.peregrine.csi.conformance.Csi.mount;
import static io.peregrine.csi.conformance.Csi.withMode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status.Code;
import io.peregrine.csi.CsiDriver;
import io.peregrine.csi.v1.CapacityRange;
import io.peregrine.csi.v1.NodeExpandVolumeRequest;
import io.peregrine.csi.v1.NodeGetCapabilitiesRequest;
import io.peregrine.csi.v1.NodeGetInfoRequest;
import io.peregrine.csi.v1.NodeGetInfoResponse;
import io.peregrine.csi.v1.NodeGetVolumeStatsRequest;
import io.peregrine.csi.v1.NodeGetVolumeStatsResponse;
import io.peregrine.csi.v1.NodeGrpc;
import io.peregrine.csi.v1.NodePublishVolumeRequest;
import io.peregrine.csi.v1.NodeServiceCapability.RPC.Type;
import io.peregrine.csi.v1.NodeStageVolumeRequest;
import io.peregrine.csi.v1.NodeUnpublishVolumeRequest;
import io.peregrine.csi.v1.NodeUnstageVolumeRequest;
import io.peregrine.csi.v1.VolumeCapability;
import io.peregrine.csi.v1.VolumeUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The Node service checked against the MUST and SHALL lines of the CSI spec (v1.12.0, section
 * "Node Service RPC") and the error tables under each RPC.
 */
public abstract class NodeConformance {

    private static final long MiB = 1L << 20;

    protected abstract NodeUnderTest system();

    private NodeGrpc.NodeBlockingStub node() {
        return system().node();
    }

    // --------------------------------------------------------------- capabilities, info

    @Test
    void capabilitiesIncludeStagingStatsExpansionAndCondition() {
        Set<Type> types = new HashSet<>();
        node().nodeGetCapabilities(NodeGetCapabilitiesRequest.getDefaultInstance())
                .getCapabilitiesList()
                .forEach(c -> types.add(c.getRpc().getType()));
        assertTrue(
                types.containsAll(List.of(
                        Type.STAGE_UNSTAGE_VOLUME, Type.GET_VOLUME_STATS, Type.EXPAND_VOLUME, Type.VOLUME_CONDITION)),
                types.toString());
    }

    @Test
    void infoNamesTheNodeAndItsTopologySegment() {
        NodeGetInfoResponse info = node().nodeGetInfo(NodeGetInfoRequest.getDefaultInstance());
        assertFalse(info.getNodeId().isEmpty(), "node_id is REQUIRED");
        assertTrue(info.getMaxVolumesPerNode() >= 0);
        assertEquals(info.getNodeId(), info.getAccessibleTopology().getSegmentsOrThrow(CsiDriver.TOPOLOGY_NODE_KEY));
    }

    // -------------------------------------------------------------------- NodeStage

    @Test
    void stageChecksItsArguments() {
        NodeUnderTest.Published v = system().publish(64 * MiB);
        Path staging = fresh("staging");
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> node().nodeStageVolume(
                                stage(v, staging, mount("ext4")).clearVolumeId().build()));
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> node().nodeStageVolume(stage(v, staging, mount("ext4"))
                        .clearStagingTargetPath()
                        .build()));
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> node().nodeStageVolume(stage(v, staging, mount("ext4"))
                        .clearVolumeCapability()
                        .build()));
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> node().nodeStageVolume(stage(
                                v,
                                staging,
                                withMode(mount("ext4"), VolumeCapability.AccessMode.Mode.MULTI_NODE_MULTI_WRITER))
                        .build()));
        assertCode(
                Code.NOT_FOUND,
                () -> node().nodeStageVolume(stage(v, staging, mount("ext4"))
                        .clearPublishContext()
                        .build()));
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> node().nodeStageVolume(stage(v, staging, mount("ext4"))
                        .putPublishContext("targets", "udp://nowhere")
                        .build()));
    }

    @Test
    void stageIsIdempotentAndRefusesAnIncompatibleRestage() {
        NodeUnderTest.Published v = system().publish(64 * MiB);
        Path staging = fresh("staging");
        node().nodeStageVolume(stage(v, staging, mount("ext4")).build());
        node().nodeStageVolume(stage(v, staging, mount("ext4")).build());
        assertCode(
                Code.ALREADY_EXISTS,
                () -> node().nodeStageVolume(stage(v, staging, mount("xfs")).build()));
        assertCode(
                Code.ALREADY_EXISTS,
                () -> node().nodeStageVolume(stage(v, staging, block()).build()));
        unstage(v, staging);
    }

    // ------------------------------------------------------------------ NodePublish

    @Test
    void publishChecksItsArguments() {
        NodeUnderTest.Published v = system().publish(64 * MiB);
        Path staging = fresh("staging");
        Path target = fresh("target");
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> node().nodePublishVolume(publish(v, staging, target, mount("ext4"))
                        .clearVolumeId()
                        .build()));
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> node().nodePublishVolume(publish(v, staging, target, mount("ext4"))
                        .clearTargetPath()
                        .build()));
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> node().nodePublishVolume(publish(v, staging, target, mount("ext4"))
                        .clearVolumeCapability()
                        .build()));
        // STAGE_UNSTAGE_VOLUME is advertised: a missing staging path is FAILED_PRECONDITION
        assertCode(
                Code.FAILED_PRECONDITION,
                () -> node().nodePublishVolume(publish(v, staging, target, mount("ext4"))
                        .clearStagingTargetPath()
                        .build()));
        assertCode(
                Code.FAILED_PRECONDITION,
                () -> node().nodePublishVolume(
                                publish(v, staging, target, mount("ext4")).build())); // not staged yet
    }

    @Test
    void publishIsIdempotentAndRefusesAnIncompatibleRepublish() {
        NodeUnderTest.Published v = system().publish(64 * MiB);
        Path staging = fresh("staging");
        Path target = fresh("target");
        node().nodeStageVolume(stage(v, staging, mount("ext4")).build());
        node().nodePublishVolume(publish(v, staging, target, mount("ext4")).build());
        node().nodePublishVolume(publish(v, staging, target, mount("ext4")).build());
        assertCode(
                Code.ALREADY_EXISTS,
                () -> node().nodePublishVolume(publish(v, staging, target, mount("ext4"))
                        .setReadonly(true)
                        .build()));
        unpublish(v, target);
        unstage(v, staging);
    }

    @Test
    void blockVolumesArePublishedAsAFile() {
        NodeUnderTest.Published v = system().publish(64 * MiB);
        Path staging = fresh("staging");
        Path target = fresh("target").resolve("device");
        node().nodeStageVolume(stage(v, staging, block()).build());
        node().nodePublishVolume(publish(v, staging, target, block()).build());
        assertTrue(Files.isRegularFile(target) || Files.exists(target), target + " exists");
        NodeGetVolumeStatsResponse stats = node().nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder()
                .setVolumeId(v.volumeId())
                .setVolumePath(target.toString())
                .build());
        assertEquals(64 * MiB, usage(stats, VolumeUsage.Unit.BYTES).getTotal());
        unpublish(v, target);
        assertFalse(Files.exists(target), "the target file is removed on unpublish");
        unstage(v, staging);
    }

    // ------------------------------------------------------------ unpublish, unstage

    @Test
    void unpublishAndUnstageAreIdempotentAndCheckTheirArguments() {
        NodeUnderTest.Published v = system().publish(64 * MiB);
        Path staging = fresh("staging");
        Path target = fresh("target");
        node().nodeStageVolume(stage(v, staging, mount("ext4")).build());
        node().nodePublishVolume(publish(v, staging, target, mount("ext4")).build());
        unpublish(v, target);
        unpublish(v, target);
        unstage(v, staging);
        unstage(v, staging);
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> node().nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder()
                        .setTargetPath(target.toString())
                        .build()));
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> node().nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder()
                        .setVolumeId(v.volumeId())
                        .build()));
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> node().nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder()
                        .setStagingTargetPath(staging.toString())
                        .build()));
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> node().nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder()
                        .setVolumeId(v.volumeId())
                        .build()));
    }

    @Test
    void unstageOfAVolumeNeverStagedSucceeds() {
        unstage(new NodeUnderTest.Published(UUID.randomUUID().toString(), java.util.Map.of()), fresh("never"));
    }

    @Test
    void unstageWhileStillPublishedIsFailedPrecondition() {
        NodeUnderTest.Published v = system().publish(64 * MiB);
        Path staging = fresh("staging");
        Path target = fresh("target");
        node().nodeStageVolume(stage(v, staging, mount("ext4")).build());
        node().nodePublishVolume(publish(v, staging, target, mount("ext4")).build());
        assertCode(Code.FAILED_PRECONDITION, () -> unstage(v, staging));
        unpublish(v, target);
        unstage(v, staging);
    }

    // --------------------------------------------------------------- stats, expand

    @Test
    void statsReportBytesAndInodesOfAMountedVolume() {
        NodeUnderTest.Published v = system().publish(64 * MiB);
        Path staging = fresh("staging");
        Path target = fresh("target");
        node().nodeStageVolume(stage(v, staging, mount("ext4")).build());
        node().nodePublishVolume(publish(v, staging, target, mount("ext4")).build());
        NodeGetVolumeStatsResponse stats = node().nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder()
                .setVolumeId(v.volumeId())
                .setVolumePath(target.toString())
                .build());
        assertTrue(usage(stats, VolumeUsage.Unit.BYTES).getTotal() > 0);
        assertTrue(usage(stats, VolumeUsage.Unit.INODES).getTotal() > 0);
        assertTrue(stats.hasVolumeCondition());
        assertFalse(
                stats.getVolumeCondition().getAbnormal(),
                stats.getVolumeCondition().getMessage());
        unpublish(v, target);
        unstage(v, staging);
    }

    @Test
    void statsAndExpandCheckTheirArgumentsAndPaths() {
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> node().nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder()
                        .setVolumePath("/x")
                        .build()));
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> node().nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder()
                        .setVolumeId("v")
                        .build()));
        assertCode(
                Code.NOT_FOUND,
                () -> node().nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder()
                        .setVolumeId("v")
                        .setVolumePath(
                                system().scratch().resolve("does-not-exist").toString())
                        .build()));
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> node().nodeExpandVolume(NodeExpandVolumeRequest.newBuilder()
                        .setVolumePath("/x")
                        .build()));
        assertCode(
                Code.INVALID_ARGUMENT,
                () -> node().nodeExpandVolume(NodeExpandVolumeRequest.newBuilder()
                        .setVolumeId("v")
                        .build()));
        assertCode(
                Code.NOT_FOUND,
                () -> node().nodeExpandVolume(NodeExpandVolumeRequest.newBuilder()
                        .setVolumeId("v")
                        .setVolumePath(
                                system().scratch().resolve("does-not-exist").toString())
                        .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(MiB))
                        .build()));
    }

    // -------------------------------------------------------------------------- helpers

    protected Path fresh(String what) {
        return system().scratch()
                .resolve(what + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    protected static NodeStageVolumeRequest.Builder stage(NodeUnderTest.Published v, Path staging, VolumeCapability c) {
        return NodeStageVolumeRequest.newBuilder()
                .setVolumeId(v.volumeId())
                .setStagingTargetPath(staging.toString())
                .setVolumeCapability(c)
                .putAllPublishContext(v.publishContext())
                .putSecrets("password", "hunter2");
    }

    protected static NodePublishVolumeRequest.Builder publish(
            NodeUnderTest.Published v, Path staging, Path target, VolumeCapability c) {
        return NodePublishVolumeRequest.newBuilder()
                .setVolumeId(v.volumeId())
                .setStagingTargetPath(staging.toString())
                .setTargetPath(target.toString())
                .setVolumeCapability(c)
                .putAllPublishContext(v.publishContext());
    }

    protected void unpublish(NodeUnderTest.Published v, Path target) {
        node().nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder()
                .setVolumeId(v.volumeId())
                .setTargetPath(target.toString())
                .build());
    }

    protected void unstage(NodeUnderTest.Published v, Path staging) {
        node().nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder()
                .setVolumeId(v.volumeId())
                .setStagingTargetPath(staging.toString())
                .build());
    }

    protected static VolumeUsage usage(NodeGetVolumeStatsResponse stats, VolumeUsage.Unit unit) {
        return stats.getUsageList().stream()
                .filter(u -> u.getUnit() == unit)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + unit + " in " + stats));
    }
}
