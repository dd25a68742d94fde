package io.peregrine.csi.node;

import static io.peregrine.csi.conformance.Csi.assertCode;
import static io.peregrine.csi.conformance.Csi.block;
import static io.peregrine.csi.conformance.Csi.mount;
import static io.peregrine.csi.conformance.Csi.withMode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.peregrine.csi.server.CallLogger;
import io.peregrine.csi.testing.FakeHost;
import io.peregrine.csi.testing.NodeFixture;
import io.peregrine.csi.v1.CapacityRange;
import io.peregrine.csi.v1.NodeExpandVolumeRequest;
import io.peregrine.csi.v1.NodeGetVolumeStatsRequest;
import io.peregrine.csi.v1.NodeGetVolumeStatsResponse;
import io.peregrine.csi.v1.NodePublishVolumeRequest;
import io.peregrine.csi.v1.NodeStageVolumeRequest;
import io.peregrine.csi.v1.NodeUnpublishVolumeRequest;
import io.peregrine.csi.v1.NodeUnstageVolumeRequest;
import io.peregrine.csi.v1.VolumeCapability;
import io.peregrine.csi.volume.PublishContext;
import io.peregrine.csi.volume.TargetAddress;
import io.peregrine.csi.volume.VolumeContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node service's decisions on a simulated host: what it runs, in which order, and what it
 * refuses to do. The guest-lab test proves the same against a real kernel.
 */
class NodeServiceTest {

    private static final long MiB = 1L << 20;

    @TempDir
    Path dir;

    private NodeFixture fixture;
    private FakeHost host;

    @BeforeEach
    void start() {
        fixture = new NodeFixture(dir, "node-a");
        host = fixture.host();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void formatsOnlyABlankDeviceAndOnlyOnce() {
        Vol v = export(64 * MiB);
        stage(v, mount("ext4"));
        assertEquals(1, host.count("mkfs.ext4"));
        unstage(v);
        stage(v, mount("ext4"));
        assertEquals(1, host.count("mkfs.ext4"), "the filesystem from the first stage is reused");
        assertEquals(Optional.of("ext4"), host.content(v.uuid));
    }

    @Test
    void refusesToReformatAnotherFilesystemOrAPartitionTable() {
        Vol xfs = export(64 * MiB);
        host.preformat(xfs.uuid, "xfs");
        StatusRuntimeException e = assertCode(Code.FAILED_PRECONDITION, () -> stage(xfs, mount("ext4")));
        assertTrue(e.getStatus().getDescription().contains("already holds a xfs filesystem"));
        Vol gpt = export(64 * MiB);
        host.preformat(gpt.uuid, "PTTYPE=gpt");
        assertCode(Code.FAILED_PRECONDITION, () -> stage(gpt, mount("ext4")));
        assertEquals(0, host.count("mkfs.ext4"));
        assertEquals(0, host.count("mkfs.xfs"));
    }

    @Test
    void findsEachNamespaceByItsNguidNotByItsName() {
        Vol first = export(64 * MiB);
        Vol second = export(128 * MiB);
        // connect the second volume first: it gets the lower device number
        stage(second, mount("ext4"));
        stage(first, mount("xfs"));
        assertEquals(Optional.of("ext4"), host.content(second.uuid));
        assertEquals(Optional.of("xfs"), host.content(first.uuid));
        NodeGetVolumeStatsResponse stats = stats(first, first.staging);
        assertFalse(stats.getVolumeCondition().getAbnormal());
    }

    @Test
    void xfsMountsWithNouuidAndReaderOnlyModeMountsReadOnly() {
        Vol v = export(64 * MiB);
        stage(
                v,
                mount("xfs").toBuilder()
                        .setMount(VolumeCapability.MountVolume.newBuilder()
                                .setFsType("xfs")
                                .addMountFlags("noatime"))
                        .build());
        assertEquals("noatime,nouuid", host.mountFlags(v.staging));
        Vol ro = export(64 * MiB);
        stage(ro, withMode(mount("ext4"), VolumeCapability.AccessMode.Mode.SINGLE_NODE_READER_ONLY));
        assertEquals("ro", host.mountFlags(ro.staging));
    }

    @Test
    void theStorageClassFsTypeIsUsedWhenTheCapabilityNamesNone() {
        Vol v = export(64 * MiB);
        fixture.node()
                .nodeStageVolume(stageRequest(v, mount(""))
                        .putVolumeContext(VolumeContext.FS_TYPE, "xfs")
                        .build());
        assertEquals(Optional.of("xfs"), host.content(v.uuid));
    }

    @Test
    void readOnlyPublishIsAReadOnlyBindMount() {
        Vol v = export(64 * MiB);
        stage(v, mount("ext4"));
        Path target = dir.resolve("pods/ro");
        fixture.node()
                .nodePublishVolume(publishRequest(v, target, mount("ext4"))
                        .setReadonly(true)
                        .build());
        assertEquals(Optional.of("ro"), host.mountOptions(target));
    }

    @Test
    void aReadOnlyRawBlockPublishMakesTheDeviceReadOnlyUntilItIsGone() {
        Vol v = export(64 * MiB);
        stage(v, block());
        Path rw = dir.resolve("pods/rw/dev");
        Path ro = dir.resolve("pods/ro/dev");
        fixture.node().nodePublishVolume(publishRequest(v, rw, block()).build());
        assertCode(
                Code.FAILED_PRECONDITION,
                () -> fixture.node()
                        .nodePublishVolume(
                                publishRequest(v, ro, block()).setReadonly(true).build()));
        fixture.node()
                .nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder()
                        .setVolumeId(v.id)
                        .setTargetPath(rw.toString())
                        .build());
        fixture.node()
                .nodePublishVolume(
                        publishRequest(v, ro, block()).setReadonly(true).build());
        assertTrue(host.deviceReadOnly(v.uuid));
        assertCode(
                Code.FAILED_PRECONDITION,
                () -> fixture.node()
                        .nodePublishVolume(publishRequest(v, rw, block()).build()));
        fixture.node()
                .nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder()
                        .setVolumeId(v.id)
                        .setTargetPath(ro.toString())
                        .build());
        assertFalse(host.deviceReadOnly(v.uuid), "writable again once the read-only publish is gone");
        fixture.node().nodePublishVolume(publishRequest(v, rw, block()).build());
    }

    @Test
    void anUnreachableTargetIsUnavailableAndAMissingNamespaceTimesOut() {
        Vol v = export(64 * MiB);
        host.refuse(v.context.targets().getFirst());
        StatusRuntimeException e = assertCode(Code.UNAVAILABLE, () -> stage(v, mount("ext4")));
        assertTrue(
                e.getStatus().getDescription().contains("Connection refused"),
                e.getStatus().getDescription());
        host.accept(v.context.targets().getFirst());

        Vol other = export(64 * MiB);
        PublishContext wrongNguid = new PublishContext(
                other.context.subsystemNqn(),
                other.context.targets(),
                "00000000000000000000000000000001",
                Optional.empty());
        StatusRuntimeException timeout = assertCode(
                Code.DEADLINE_EXCEEDED,
                () -> fixture.node()
                        .nodeStageVolume(stageRequest(other, mount("ext4"))
                                .clearPublishContext()
                                .putAllPublishContext(wrongNguid.toMap())
                                .build()));
        assertTrue(timeout.getStatus().getDescription().contains("no namespace with NGUID"));
    }

    @Test
    void everyAdvertisedPathIsConnected() {
        Vol v = export(64 * MiB);
        PublishContext twoPaths = new PublishContext(
                v.context.subsystemNqn(),
                List.of(v.context.targets().getFirst(), TargetAddress.tcp("192.0.2.2", 4420)),
                v.context.nguid(),
                v.context.namespaceUuid());
        host.refuse(TargetAddress.tcp("192.0.2.2", 4420));
        fixture.node()
                .nodeStageVolume(stageRequest(v, mount("ext4"))
                        .clearPublishContext()
                        .putAllPublishContext(twoPaths.toMap())
                        .build());
        assertEquals(
                2,
                host.history().stream()
                        .filter(c -> c.size() > 1 && c.get(1).equals("connect"))
                        .count(),
                "both paths tried; one reachable path is enough");
        // staging again does not reconnect the live path
        fixture.node()
                .nodeStageVolume(stageRequest(v, mount("ext4"))
                        .clearPublishContext()
                        .putAllPublishContext(twoPaths.toMap())
                        .build());
        assertEquals(1, host.controllersOf(v.context.subsystemNqn()).size());
    }

    @Test
    void aSecondCallOnTheSameVolumeWhileOneRunsIsAborted() throws Exception {
        Vol v = export(64 * MiB);
        CountDownLatch release = host.holdConnects();
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> stage(v, mount("ext4")));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (host.connectsWaiting() == 0 && System.nanoTime() < deadline) Thread.sleep(5);
        assertCode(Code.ABORTED, () -> stage(v, mount("ext4")));
        assertCode(Code.ABORTED, () -> unstage(v));
        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        stage(v, mount("ext4")); // and succeeds idempotently afterwards
    }

    @Test
    void anUnmountThatBlocksIsDetachedLazilyAndTheVolumeStillGoes() {
        Vol v = export(64 * MiB);
        stage(v, mount("ext4"));
        host.losePath(v.context.subsystemNqn());
        host.unmountHangs(true);
        unstage(v);
        assertTrue(host.history().stream().anyMatch(c -> c.equals(List.of("umount", "-l", v.staging.toString()))));
        assertFalse(host.isMounted(v.staging));
        assertEquals(List.of(), host.controllersOf(v.context.subsystemNqn()));
    }

    @Test
    void conditionIsAbnormalWhileNoPathIsLiveAndWhenTheNamespaceIsGone() {
        Vol v = export(64 * MiB);
        stage(v, mount("ext4"));
        Path target = dir.resolve("pods/cond");
        fixture.node()
                .nodePublishVolume(publishRequest(v, target, mount("ext4")).build());
        host.losePath(v.context.subsystemNqn());
        NodeGetVolumeStatsResponse connecting = stats(v, target);
        assertTrue(connecting.getVolumeCondition().getAbnormal());
        assertTrue(connecting.getVolumeCondition().getMessage().contains("connecting"));
        host.removeNamespace(v.context.subsystemNqn());
        NodeGetVolumeStatsResponse gone = stats(v, target);
        assertTrue(gone.getVolumeCondition().getAbnormal());
        assertTrue(gone.getVolumeCondition().getMessage().contains("gone"));
    }

    @Test
    void expandRescansWaitsForTheNewSizeAndGrowsTheFilesystem() {
        Vol v = export(64 * MiB);
        stage(v, mount("ext4"));
        host.grow(v.uuid, 192 * MiB);
        long capacity = fixture.node()
                .nodeExpandVolume(NodeExpandVolumeRequest.newBuilder()
                        .setVolumeId(v.id)
                        .setVolumePath(v.staging.toString())
                        .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(192 * MiB))
                        .build())
                .getCapacityBytes();
        assertEquals(192 * MiB, capacity);
        assertEquals(1, host.count("resize2fs"));

        StatusRuntimeException notGrown = assertCode(
                Code.FAILED_PRECONDITION,
                () -> fixture.node()
                        .nodeExpandVolume(NodeExpandVolumeRequest.newBuilder()
                                .setVolumeId(v.id)
                                .setVolumePath(v.staging.toString())
                                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(1L << 30))
                                .build()));
        assertTrue(notGrown.getStatus().getDescription().contains("ControllerExpandVolume"));
    }

    @Test
    void rawBlockExpandNeedsOnlyTheRescan() {
        Vol v = export(64 * MiB);
        stage(v, block());
        host.grow(v.uuid, 96 * MiB);
        long capacity = fixture.node()
                .nodeExpandVolume(NodeExpandVolumeRequest.newBuilder()
                        .setVolumeId(v.id)
                        .setVolumePath(v.staging.toString())
                        .setVolumeCapability(block())
                        .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(96 * MiB))
                        .build())
                .getCapacityBytes();
        assertEquals(96 * MiB, capacity);
        assertEquals(0, host.count("resize2fs") + host.count("xfs_growfs"));
    }

    @Test
    void unpublishLeavesANonEmptyDirectoryThatIsNotAMountAlone() throws Exception {
        Path target = dir.resolve("pods/stranger");
        java.nio.file.Files.createDirectories(target);
        java.nio.file.Files.writeString(target.resolve("precious"), "not ours");
        assertCode(
                Code.FAILED_PRECONDITION,
                () -> fixture.node()
                        .nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder()
                                .setVolumeId("v")
                                .setTargetPath(target.toString())
                                .build()));
        assertTrue(java.nio.file.Files.exists(target.resolve("precious")));
    }

    @Test
    void secretsNeverReachTheLog() {
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger logger = Logger.getLogger(CallLogger.class.getName());
        Level previous = logger.getLevel();
        logger.setLevel(Level.ALL);
        logger.addHandler(capture);
        try {
            Vol v = export(64 * MiB);
            fixture.node()
                    .nodeStageVolume(stageRequest(v, mount("ext4"))
                            .putSecrets("password", "hunter2-top-secret")
                            .build());
            assertCode(
                    Code.INVALID_ARGUMENT,
                    () -> fixture.node()
                            .nodeStageVolume(stageRequest(v, mount("ext4"))
                                    .clearVolumeId()
                                    .putSecrets("password", "hunter2-top-secret")
                                    .build()));
        } finally {
            logger.removeHandler(capture);
            logger.setLevel(previous);
        }
        assertTrue(records.size() >= 2, "both calls were logged");
        for (LogRecord r : records) {
            String text = java.text.MessageFormat.format(r.getMessage(), r.getParameters());
            assertFalse(text.contains("hunter2"), text);
            assertTrue(text.contains("password"), "the key is kept so the reader knows a secret was passed");
        }
    }

    // -------------------------------------------------------------------------- helpers

    private record Vol(UUID uuid, String id, PublishContext context, Path staging) {}

    private Vol export(long size) {
        UUID uuid = UUID.randomUUID();
        return new Vol(
                uuid,
                "node-a/" + uuid,
                host.export(uuid, size, NodeFixture.HOST.hostNqn()),
                dir.resolve("staging").resolve(uuid.toString()));
    }

    private NodeStageVolumeRequest.Builder stageRequest(Vol v, VolumeCapability capability) {
        return NodeStageVolumeRequest.newBuilder()
                .setVolumeId(v.id)
                .setStagingTargetPath(v.staging.toString())
                .setVolumeCapability(capability)
                .putAllPublishContext(v.context.toMap());
    }

    private void stage(Vol v, VolumeCapability capability) {
        fixture.node().nodeStageVolume(stageRequest(v, capability).build());
    }

    private NodePublishVolumeRequest.Builder publishRequest(Vol v, Path target, VolumeCapability capability) {
        return NodePublishVolumeRequest.newBuilder()
                .setVolumeId(v.id)
                .setStagingTargetPath(v.staging.toString())
                .setTargetPath(target.toString())
                .setVolumeCapability(capability);
    }

    private void unstage(Vol v) {
        fixture.node()
                .nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder()
                        .setVolumeId(v.id)
                        .setStagingTargetPath(v.staging.toString())
                        .build());
    }

    private NodeGetVolumeStatsResponse stats(Vol v, Path path) {
        return fixture.node()
                .nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder()
                        .setVolumeId(v.id)
                        .setVolumePath(path.toString())
                        .build());
    }
}
