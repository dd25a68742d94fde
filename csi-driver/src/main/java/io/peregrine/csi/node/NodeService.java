package io.peregrine.csi.node;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.peregrine.csi.CsiDriver;
import io.peregrine.csi.host.BlockDevices;
import io.peregrine.csi.host.Filesystems;
import io.peregrine.csi.host.HostException;
import io.peregrine.csi.host.MountInfo;
import io.peregrine.csi.host.Mounter;
import io.peregrine.csi.nvme.NvmeNamespace;
import io.peregrine.csi.nvme.NvmeSysfs;
import io.peregrine.csi.server.CsiErrors;
import io.peregrine.csi.server.Rpc;
import io.peregrine.csi.server.VolumeLocks;
import io.peregrine.csi.v1.NodeExpandVolumeRequest;
import io.peregrine.csi.v1.NodeExpandVolumeResponse;
import io.peregrine.csi.v1.NodeGetCapabilitiesRequest;
import io.peregrine.csi.v1.NodeGetCapabilitiesResponse;
import io.peregrine.csi.v1.NodeGetInfoRequest;
import io.peregrine.csi.v1.NodeGetInfoResponse;
import io.peregrine.csi.v1.NodeGetVolumeStatsRequest;
import io.peregrine.csi.v1.NodeGetVolumeStatsResponse;
import io.peregrine.csi.v1.NodeGrpc;
import io.peregrine.csi.v1.NodePublishVolumeRequest;
import io.peregrine.csi.v1.NodePublishVolumeResponse;
import io.peregrine.csi.v1.NodeServiceCapability;
import io.peregrine.csi.v1.NodeStageVolumeRequest;
import io.peregrine.csi.v1.NodeStageVolumeResponse;
import io.peregrine.csi.v1.NodeUnpublishVolumeRequest;
import io.peregrine.csi.v1.NodeUnpublishVolumeResponse;
import io.peregrine.csi.v1.NodeUnstageVolumeRequest;
import io.peregrine.csi.v1.NodeUnstageVolumeResponse;
import io.peregrine.csi.v1.Topology;
import io.peregrine.csi.v1.VolumeCapability;
import io.peregrine.csi.volume.AccessModes;
import io.peregrine.csi.volume.FsType;
import io.peregrine.csi.volume.PublishContext;
import io.peregrine.csi.volume.VolumeContext;
import io.peregrine.csi.volume.VolumeHandle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The CSI Node service: attaches volumes through the kernel's NVMe/TCP host and mounts them.
 *
 * <p>State lives in the kernel, not here: what is connected is read from sysfs, what is mounted
 * from /proc/self/mountinfo, so every call is idempotent and a restarted plugin carries on where
 * its predecessor stopped. Layouts under a staging path:
 *
 * <ul>
 *   <li>mount access: the namespace's filesystem is mounted at {@code staging_target_path};
 *       NodePublish bind-mounts it to each target directory;
 *   <li>block access: the namespace's device node is bind-mounted onto the file
 *       {@code staging_target_path/device}; NodePublish bind-mounts that file to each target file.
 * </ul>
 *
 * <p>Each RPC validates its request first (INVALID_ARGUMENT), then claims the volume (ABORTED
 * while another call on it runs), then acts. Host failures surface as INTERNAL with the tool's
 * own message, timeouts as DEADLINE_EXCEEDED, an unreachable target as UNAVAILABLE.
 */
public final class NodeService extends NodeGrpc.NodeImplBase {

    static final String BLOCK_DEVICE_FILE = "device";

    private final NodeConfig config;
    private final NvmeSysfs sysfs;
    private final NvmeAttacher attacher;
    private final Mounter mounter;
    private final Filesystems filesystems;
    private final BlockDevices blockDevices;
    private final VolumeStats stats;
    private final VolumeLocks locks = new VolumeLocks();

    public NodeService(
            NodeConfig config,
            io.peregrine.csi.nvme.NvmeFabrics fabrics,
            NvmeSysfs sysfs,
            io.peregrine.csi.nvme.HostIdentity host,
            Mounter mounter,
            Filesystems filesystems,
            BlockDevices blockDevices) {
        this.config = config;
        this.sysfs = sysfs;
        this.attacher = new NvmeAttacher(fabrics, sysfs, host, config);
        this.mounter = mounter;
        this.filesystems = filesystems;
        this.blockDevices = blockDevices;
        this.stats = new VolumeStats(sysfs, mounter.table());
    }

    // ------------------------------------------------------------------------------- stage

    @Override
    public void nodeStageVolume(NodeStageVolumeRequest request, StreamObserver<NodeStageVolumeResponse> response) {
        answer(response, () -> {
            requireField(request.getVolumeId(), "volume_id");
            Path staging = absolutePath(request.getStagingTargetPath(), "staging_target_path");
            VolumeCapability capability =
                    supportedCapability(request.hasVolumeCapability(), request.getVolumeCapability());
            if (request.getPublishContextMap().isEmpty()) {
                throw CsiErrors.notFound("volume " + request.getVolumeId() + " is not published to node "
                        + config.nodeId() + " (empty publish_context): ControllerPublishVolume must succeed first");
            }
            PublishContext context = publishContext(request.getPublishContextMap());
            FsType fs = fsType(capability, request.getVolumeContextMap());
            try (VolumeLocks.Held _ = locks.acquire(request.getVolumeId(), "NodeStageVolume")) {
                stage(staging, capability, fs, context);
            }
            return NodeStageVolumeResponse.getDefaultInstance();
        });
    }

    /** The capability's fs_type, else the StorageClass fsType the controller put in the context. */
    private static FsType fsType(VolumeCapability capability, java.util.Map<String, String> volumeContext) {
        String named = capability.hasMount() ? capability.getMount().getFsType() : "";
        if (named.isEmpty()) named = volumeContext.getOrDefault(VolumeContext.FS_TYPE, "");
        String chosen = named;
        return FsType.parse(chosen)
                .orElseThrow(() -> CsiErrors.invalidArgument(
                        "fsType '" + chosen + "' in the volume context is not " + "supported (ext4 or xfs)"));
    }

    private void stage(Path staging, VolumeCapability capability, FsType fs, PublishContext context) {
        createDirectories(staging);
        Path deviceFile = staging.resolve(BLOCK_DEVICE_FILE);
        Optional<MountInfo> mountedAtStaging = mounter.table().at(staging);
        Optional<MountInfo> deviceAtStaging = mounter.table().at(deviceFile);
        if (mountedAtStaging.isPresent() || deviceAtStaging.isPresent()) {
            checkStagedCompatibly(staging, capability, fs, context, mountedAtStaging, deviceAtStaging);
            return;
        }
        NvmeNamespace namespace = attacher.attach(context);
        Path device = sysfs.devicePath(namespace.name());
        try {
            if (capability.hasBlock()) {
                createFile(deviceFile);
                mounter.bind(device, deviceFile, false);
            } else {
                prepareFilesystem(device, fs);
                mounter.mount(device.toString(), staging, fs.fsName(), mountOptions(capability, fs));
            }
        } catch (HostException e) {
            throw hostFailure("staging " + namespace.name() + " at " + staging, e);
        }
    }

    private void checkStagedCompatibly(
            Path staging,
            VolumeCapability capability,
            FsType fsType,
            PublishContext context,
            Optional<MountInfo> mountedAtStaging,
            Optional<MountInfo> deviceAtStaging) {
        Optional<NvmeNamespace> ours = sysfs.find(context.subsystemNqn(), context);
        if (capability.hasBlock()) {
            if (deviceAtStaging.isEmpty()) {
                throw CsiErrors.alreadyExists(staging + " holds a filesystem mount ("
                        + mountedAtStaging.get().fsType() + "), but block access was asked for");
            }
            if (ours.isEmpty()
                    || !deviceAtStaging.get().root().equals("/" + ours.get().name())) {
                throw CsiErrors.failedPrecondition(staging + " already stages another device ("
                        + deviceAtStaging.get().root() + "); unstage it first");
            }
            return;
        }
        if (mountedAtStaging.isEmpty()) {
            throw CsiErrors.alreadyExists(
                    staging + " stages the volume for block access, but mount access was " + "asked for");
        }
        MountInfo mount = mountedAtStaging.get();
        if (ours.isEmpty() || !mount.majorMinor().equals(ours.get().majorMinor())) {
            throw CsiErrors.failedPrecondition(
                    staging + " already has " + mount.source() + " mounted; unstage it " + "first");
        }
        String fs = fsType.fsName();
        if (!mount.fsType().equals(fs) || mount.readOnly() != AccessModes.isReadOnly(capability)) {
            throw CsiErrors.alreadyExists("volume is staged at " + staging + " as " + mount.fsType()
                    + (mount.readOnly() ? " (read-only)" : "") + ", incompatible with the requested " + fs
                    + (AccessModes.isReadOnly(capability) ? " (read-only)" : ""));
        }
    }

    /** mkfs only on a blank device; anything else on it is kept and must be what was asked for. */
    private void prepareFilesystem(Path device, FsType fs) {
        switch (filesystems.probe(device)) {
            case Filesystems.Blank blank -> filesystems.format(device, fs);
            case Filesystems.Signature found
            when found.isFilesystem() && found.type().equals(fs.fsName()) -> {}
            case Filesystems.Signature found
            when found.isFilesystem() ->
                throw CsiErrors.failedPrecondition(device + " already holds a " + found.type() + " filesystem, not "
                        + fs.fsName() + "; refusing to reformat it (the data would be lost)");
            case Filesystems.Signature found ->
                throw CsiErrors.failedPrecondition(device + " holds " + found.type() + "; refusing to format it");
        }
    }

    private static List<String> mountOptions(VolumeCapability capability, FsType fs) {
        List<String> options = new ArrayList<>(capability.getMount().getMountFlagsList());
        if (AccessModes.isReadOnly(capability) && !options.contains("ro")) options.add("ro");
        // clones and restored snapshots carry their origin's XFS UUID; without nouuid a second
        // copy on the same node would not mount
        if (fs == FsType.XFS && !options.contains("nouuid")) options.add("nouuid");
        return options;
    }

    @Override
    public void nodeUnstageVolume(
            NodeUnstageVolumeRequest request, StreamObserver<NodeUnstageVolumeResponse> response) {
        answer(response, () -> {
            requireField(request.getVolumeId(), "volume_id");
            Path staging = absolutePath(request.getStagingTargetPath(), "staging_target_path");
            try (VolumeLocks.Held _ = locks.acquire(request.getVolumeId(), "NodeUnstageVolume")) {
                unstage(request.getVolumeId(), staging);
            }
            return NodeUnstageVolumeResponse.getDefaultInstance();
        });
    }

    private void unstage(String volumeId, Path staging) {
        Path deviceFile = staging.resolve(BLOCK_DEVICE_FILE);
        Optional<NvmeNamespace> namespace = mounter.table()
                .at(staging)
                .flatMap(m -> sysfs.namespaceByDevice(m.majorMinor()))
                .or(() -> mounter.table().at(deviceFile).flatMap(stats::namespaceOfDeviceBind));
        try {
            mounter.unmount(staging);
            mounter.unmount(deviceFile);
            Files.deleteIfExists(deviceFile);
        } catch (HostException e) {
            throw hostFailure("unmounting " + staging, e);
        } catch (IOException e) {
            throw CsiErrors.internal("cannot remove " + deviceFile + ": " + e.getMessage());
        }
        if (namespace.isPresent()) {
            List<MountInfo> still = mounter.table()
                    .mountsOf(namespace.get().majorMinor(), namespace.get().name());
            if (!still.isEmpty()) {
                throw CsiErrors.failedPrecondition("volume " + volumeId + " is still mounted elsewhere ("
                        + MountInfo.describe(still) + "); NodeUnpublishVolume every target first");
            }
        }
        Optional<String> nqn = namespace
                .map(NvmeNamespace::subsystemNqn)
                .or(() -> VolumeHandle.tryParse(volumeId).map(VolumeHandle::subsystemNqn));
        nqn.ifPresent(attacher::detach);
    }

    // ----------------------------------------------------------------------------- publish

    @Override
    public void nodePublishVolume(
            NodePublishVolumeRequest request, StreamObserver<NodePublishVolumeResponse> response) {
        answer(response, () -> {
            requireField(request.getVolumeId(), "volume_id");
            Path target = absolutePath(request.getTargetPath(), "target_path");
            VolumeCapability capability =
                    supportedCapability(request.hasVolumeCapability(), request.getVolumeCapability());
            if (request.getStagingTargetPath().isEmpty()) {
                throw CsiErrors.failedPrecondition("staging_target_path is not set; this plugin stages volumes "
                        + "(STAGE_UNSTAGE_VOLUME): call NodeStageVolume first");
            }
            Path staging = absolutePath(request.getStagingTargetPath(), "staging_target_path");
            boolean readOnly = request.getReadonly() || AccessModes.isReadOnly(capability);
            try (VolumeLocks.Held _ = locks.acquire(request.getVolumeId(), "NodePublishVolume")) {
                publish(request.getVolumeId(), staging, target, capability, readOnly);
            }
            return NodePublishVolumeResponse.getDefaultInstance();
        });
    }

    private void publish(String volumeId, Path staging, Path target, VolumeCapability capability, boolean readOnly) {
        Path source = capability.hasBlock() ? staging.resolve(BLOCK_DEVICE_FILE) : staging;
        Optional<MountInfo> staged = mounter.table().at(source);
        if (staged.isEmpty()) {
            throw CsiErrors.failedPrecondition("volume " + volumeId + " is not staged at " + staging + " for "
                    + (capability.hasBlock() ? "block" : "mount") + " access: call NodeStageVolume first");
        }
        Optional<MountInfo> existing = mounter.table().at(target);
        if (existing.isPresent()) {
            MountInfo at = existing.get();
            boolean sameSource = capability.hasBlock()
                    ? at.root().equals(staged.get().root())
                    : at.majorMinor().equals(staged.get().majorMinor());
            if (!sameSource) {
                throw CsiErrors.alreadyExists(
                        target + " already has another mount (" + at.source() + ", " + at.root() + ")");
            }
            if (at.readOnly() != readOnly) {
                throw CsiErrors.alreadyExists("volume is published at " + target + " "
                        + (at.readOnly() ? "read-only" : "read-write") + ", incompatible with this request");
            }
            return;
        }
        try {
            if (capability.hasBlock()) {
                setDeviceReadOnly(volumeId, staged.get(), source, readOnly);
                createDirectories(target.getParent());
                createFile(target);
            } else {
                createDirectories(target);
            }
            mounter.bind(source, target, readOnly);
        } catch (HostException e) {
            throw hostFailure("publishing " + volumeId + " at " + target, e);
        }
    }

    /**
     * Raw block: the device's read-only flag is what protects a read-only publish (see
     * {@link BlockDevices}), and it is one flag for the whole device, so read-only and
     * read-write publishes of one volume cannot coexist on a node.
     */
    private void setDeviceReadOnly(String volumeId, MountInfo staged, Path stagingFile, boolean readOnly) {
        String device = staged.root().substring(1);
        List<MountInfo> published = mounter.table().bindsOfDeviceNode(device).stream()
                .filter(m -> !m.mountPoint().equals(stagingFile))
                .toList();
        List<MountInfo> conflicting =
                published.stream().filter(m -> m.readOnly() != readOnly).toList();
        if (!conflicting.isEmpty()) {
            throw CsiErrors.failedPrecondition("volume " + volumeId + " is published "
                    + (readOnly ? "read-write" : "read-only") + " at "
                    + conflicting.getFirst().mountPoint()
                    + "; a raw block device is read-only or read-write as a whole, unpublish that first");
        }
        blockDevices.setReadOnly(sysfs.devicePath(device), readOnly);
    }

    @Override
    public void nodeUnpublishVolume(
            NodeUnpublishVolumeRequest request, StreamObserver<NodeUnpublishVolumeResponse> response) {
        answer(response, () -> {
            requireField(request.getVolumeId(), "volume_id");
            Path target = absolutePath(request.getTargetPath(), "target_path");
            try (VolumeLocks.Held _ = locks.acquire(request.getVolumeId(), "NodeUnpublishVolume")) {
                Optional<MountInfo> mounted = mounter.table().at(target);
                mounter.unmount(target);
                removeTarget(target);
                mounted.filter(m -> m.readOnly() && VolumeStats.isDeviceBind(m)).ifPresent(this::releaseReadOnly);
            } catch (HostException e) {
                throw hostFailure("unpublishing " + request.getVolumeId() + " from " + target, e);
            }
            return NodeUnpublishVolumeResponse.getDefaultInstance();
        });
    }

    /** The last read-only publish of a raw block device is gone: writable again for the next one. */
    private void releaseReadOnly(MountInfo unpublished) {
        String device = unpublished.root().substring(1);
        boolean stillReadOnly =
                mounter.table().bindsOfDeviceNode(device).stream().anyMatch(MountInfo::readOnly);
        if (!stillReadOnly && sysfs.namespace(device).isPresent()) {
            blockDevices.setReadOnly(sysfs.devicePath(device), false);
        }
    }

    private static void removeTarget(Path target) {
        try {
            // an empty directory or the block target file we created; anything else is not ours
            if (Files.isDirectory(target)) {
                try (var entries = Files.list(target)) {
                    if (entries.findAny().isPresent()) {
                        throw CsiErrors.failedPrecondition(
                                target + " is not a mount point and is not empty; " + "leaving it alone");
                    }
                }
            }
            Files.deleteIfExists(target);
        } catch (IOException e) {
            throw CsiErrors.internal("cannot remove " + target + ": " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------------ stats, expand

    @Override
    public void nodeGetVolumeStats(
            NodeGetVolumeStatsRequest request, StreamObserver<NodeGetVolumeStatsResponse> response) {
        answer(response, () -> {
            requireField(request.getVolumeId(), "volume_id");
            Path path = absolutePath(request.getVolumePath(), "volume_path");
            if (!Files.exists(path)) {
                throw CsiErrors.notFound("volume_path " + path + " does not exist on node " + config.nodeId());
            }
            return stats.of(request.getVolumeId(), path);
        });
    }

    @Override
    public void nodeExpandVolume(NodeExpandVolumeRequest request, StreamObserver<NodeExpandVolumeResponse> response) {
        answer(response, () -> {
            requireField(request.getVolumeId(), "volume_id");
            Path path = absolutePath(request.getVolumePath(), "volume_path");
            long required = request.getCapacityRange().getRequiredBytes();
            long limit = request.getCapacityRange().getLimitBytes();
            if (required < 0 || limit < 0 || (limit > 0 && required > limit)) {
                throw CsiErrors.invalidArgument(
                        "capacity_range is invalid: required_bytes " + required + ", limit_bytes " + limit);
            }
            if (request.hasVolumeCapability()) {
                supportedCapability(true, request.getVolumeCapability());
            }
            if (!Files.exists(path)) {
                throw CsiErrors.notFound("volume_path " + path + " does not exist on node " + config.nodeId());
            }
            try (VolumeLocks.Held _ = locks.acquire(request.getVolumeId(), "NodeExpandVolume")) {
                long size = new VolumeExpansion(attacher, stats, filesystems, config)
                        .expand(request.getVolumeId(), path, required, limit);
                return NodeExpandVolumeResponse.newBuilder()
                        .setCapacityBytes(size)
                        .build();
            } catch (HostException e) {
                throw hostFailure("growing the filesystem at " + path, e);
            }
        });
    }

    // -------------------------------------------------------------------- info, capabilities

    @Override
    public void nodeGetInfo(NodeGetInfoRequest request, StreamObserver<NodeGetInfoResponse> response) {
        answer(
                response,
                () -> NodeGetInfoResponse.newBuilder()
                        .setNodeId(config.nodeId())
                        .setMaxVolumesPerNode(config.maxVolumesPerNode())
                        .setAccessibleTopology(
                                Topology.newBuilder().putSegments(CsiDriver.TOPOLOGY_NODE_KEY, config.nodeId()))
                        .build());
    }

    @Override
    public void nodeGetCapabilities(
            NodeGetCapabilitiesRequest request, StreamObserver<NodeGetCapabilitiesResponse> response) {
        NodeGetCapabilitiesResponse.Builder capabilities = NodeGetCapabilitiesResponse.newBuilder();
        for (NodeServiceCapability.RPC.Type type : List.of(
                NodeServiceCapability.RPC.Type.STAGE_UNSTAGE_VOLUME,
                NodeServiceCapability.RPC.Type.GET_VOLUME_STATS,
                NodeServiceCapability.RPC.Type.EXPAND_VOLUME,
                NodeServiceCapability.RPC.Type.VOLUME_CONDITION,
                NodeServiceCapability.RPC.Type.SINGLE_NODE_MULTI_WRITER)) {
            capabilities.addCapabilities(NodeServiceCapability.newBuilder()
                    .setRpc(NodeServiceCapability.RPC.newBuilder().setType(type)));
        }
        answer(response, capabilities::build);
    }

    // ------------------------------------------------------------------------------ helpers

    private static <T> void answer(StreamObserver<T> response, Supplier<T> body) {
        Rpc.answer(response, body);
    }

    static void requireField(String value, String name) {
        if (value == null || value.isEmpty()) throw CsiErrors.invalidArgument(name + " is required");
    }

    static Path absolutePath(String value, String name) {
        requireField(value, name);
        Path path = Path.of(value);
        if (!path.isAbsolute()) throw CsiErrors.invalidArgument(name + " must be an absolute path, got " + value);
        return path.normalize();
    }

    static VolumeCapability supportedCapability(boolean present, VolumeCapability capability) {
        if (!present) throw CsiErrors.invalidArgument("volume_capability is required");
        AccessModes.unsupported(capability).ifPresent(why -> {
            throw CsiErrors.invalidArgument(why);
        });
        return capability;
    }

    private static PublishContext publishContext(java.util.Map<String, String> map) {
        try {
            return PublishContext.fromMap(map);
        } catch (IllegalArgumentException e) {
            throw CsiErrors.invalidArgument(e.getMessage());
        }
    }

    private static StatusRuntimeException hostFailure(String what, HostException e) {
        return e.timedOut()
                ? CsiErrors.deadlineExceeded(what + ": " + e.getMessage())
                : CsiErrors.internal(what + ": " + e.getMessage());
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw CsiErrors.internal("cannot create " + dir + ": " + e);
        }
    }

    private static void createFile(Path file) {
        try {
            if (!Files.exists(file)) Files.createFile(file);
        } catch (IOException e) {
            throw CsiErrors.internal("cannot create " + file + ": " + e);
        }
    }
}
