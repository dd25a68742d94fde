package io.peregrine.csi.controller;

import com.google.protobuf.Int64Value;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.peregrine.csi.dataplane.DataplaneErrors;
import io.peregrine.csi.server.CsiErrors;
import io.peregrine.csi.server.Rpc;
import io.peregrine.csi.server.VolumeLocks;
import io.peregrine.csi.v1.ControllerExpandVolumeRequest;
import io.peregrine.csi.v1.ControllerExpandVolumeResponse;
import io.peregrine.csi.v1.ControllerGetCapabilitiesRequest;
import io.peregrine.csi.v1.ControllerGetCapabilitiesResponse;
import io.peregrine.csi.v1.ControllerGetVolumeRequest;
import io.peregrine.csi.v1.ControllerGetVolumeResponse;
import io.peregrine.csi.v1.ControllerGrpc;
import io.peregrine.csi.v1.ControllerPublishVolumeRequest;
import io.peregrine.csi.v1.ControllerPublishVolumeResponse;
import io.peregrine.csi.v1.ControllerServiceCapability;
import io.peregrine.csi.v1.ControllerUnpublishVolumeRequest;
import io.peregrine.csi.v1.ControllerUnpublishVolumeResponse;
import io.peregrine.csi.v1.CreateSnapshotRequest;
import io.peregrine.csi.v1.CreateSnapshotResponse;
import io.peregrine.csi.v1.CreateVolumeRequest;
import io.peregrine.csi.v1.CreateVolumeResponse;
import io.peregrine.csi.v1.DeleteSnapshotRequest;
import io.peregrine.csi.v1.DeleteSnapshotResponse;
import io.peregrine.csi.v1.DeleteVolumeRequest;
import io.peregrine.csi.v1.DeleteVolumeResponse;
import io.peregrine.csi.v1.GetCapacityRequest;
import io.peregrine.csi.v1.GetCapacityResponse;
import io.peregrine.csi.v1.GetSnapshotRequest;
import io.peregrine.csi.v1.GetSnapshotResponse;
import io.peregrine.csi.v1.ListSnapshotsRequest;
import io.peregrine.csi.v1.ListSnapshotsResponse;
import io.peregrine.csi.v1.ListVolumesRequest;
import io.peregrine.csi.v1.ListVolumesResponse;
import io.peregrine.csi.v1.Snapshot;
import io.peregrine.csi.v1.ValidateVolumeCapabilitiesRequest;
import io.peregrine.csi.v1.ValidateVolumeCapabilitiesResponse;
import io.peregrine.csi.v1.VolumeCapability;
import io.peregrine.csi.v1.VolumeCondition;
import io.peregrine.csi.v1.VolumeContentSource;
import io.peregrine.csi.volume.AccessModes;
import io.peregrine.csi.volume.PublishContext;
import io.peregrine.csi.volume.TargetAddress;
import io.peregrine.csi.volume.VolumeHandle;
import io.peregrine.dataplane.api.v1.Export;
import io.peregrine.dataplane.api.v1.Pool;
import io.peregrine.dataplane.api.v1.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The CSI Controller service. Volumes, snapshots and exports live in the dataplanes; this
 * service keeps no state of its own and reaches each dataplane only through its management
 * API. Every RPC validates first (INVALID_ARGUMENT), claims the volume or name it works on
 * (ABORTED while another call holds it), then acts idempotently: a repeated call answers what
 * the first one produced, a conflicting one ALREADY_EXISTS or FAILED_PRECONDITION.
 */
public final class ControllerService extends ControllerGrpc.ControllerImplBase {

    private static final List<ControllerServiceCapability.RPC.Type> CAPABILITIES = List.of(
            ControllerServiceCapability.RPC.Type.CREATE_DELETE_VOLUME,
            ControllerServiceCapability.RPC.Type.PUBLISH_UNPUBLISH_VOLUME,
            ControllerServiceCapability.RPC.Type.LIST_VOLUMES,
            ControllerServiceCapability.RPC.Type.GET_CAPACITY,
            ControllerServiceCapability.RPC.Type.CREATE_DELETE_SNAPSHOT,
            ControllerServiceCapability.RPC.Type.LIST_SNAPSHOTS,
            ControllerServiceCapability.RPC.Type.CLONE_VOLUME,
            ControllerServiceCapability.RPC.Type.EXPAND_VOLUME,
            ControllerServiceCapability.RPC.Type.LIST_VOLUMES_PUBLISHED_NODES,
            ControllerServiceCapability.RPC.Type.VOLUME_CONDITION,
            ControllerServiceCapability.RPC.Type.GET_VOLUME,
            ControllerServiceCapability.RPC.Type.SINGLE_NODE_MULTI_WRITER,
            ControllerServiceCapability.RPC.Type.GET_SNAPSHOT);

    private final NodeDirectory directory;
    private final VolumeLookup lookup;
    private final Provisioner provisioner;
    private final Listings listings;
    private final VolumeLocks locks = new VolumeLocks();

    public ControllerService(NodeDirectory directory) {
        this.directory = directory;
        this.lookup = new VolumeLookup(directory);
        this.provisioner = new Provisioner(directory, lookup);
        this.listings = new Listings(directory);
    }

    // ------------------------------------------------------------------------------ volumes

    @Override
    public void createVolume(CreateVolumeRequest request, StreamObserver<CreateVolumeResponse> response) {
        answer(response, () -> {
            require(request.getName(), "name");
            if (request.getVolumeCapabilitiesCount() == 0) {
                throw CsiErrors.invalidArgument("volume_capabilities is required");
            }
            for (VolumeCapability capability : request.getVolumeCapabilitiesList()) {
                AccessModes.unsupported(capability).ifPresent(why -> {
                    throw CsiErrors.invalidArgument(why);
                });
            }
            Capacities.validate(request.getCapacityRange());
            VolumeParameters parameters = parameters(request.getParametersMap());
            checkFsTypes(request, parameters);
            if (!request.getMutableParamsMap().isEmpty()) {
                throw CsiErrors.invalidArgument("mutable_parameters are not supported (no MODIFY_VOLUME capability)");
            }
            try (VolumeLocks.Held _ = locks.acquire("name:" + request.getName(), "CreateVolume")) {
                VolumeLookup.Found found = provisioner.create(request, parameters);
                io.peregrine.csi.v1.Volume.Builder volume = io.peregrine.csi.v1.Volume.newBuilder()
                        .setVolumeId(handle(found).toString())
                        .setCapacityBytes(found.volume().getSizeBytes())
                        .putAllVolumeContext(Provisioner.context(found))
                        .addAccessibleTopology(Placement.topologyOf(found.node().name()));
                if (request.hasVolumeContentSource()) volume.setContentSource(request.getVolumeContentSource());
                return CreateVolumeResponse.newBuilder().setVolume(volume).build();
            }
        });
    }

    @Override
    public void deleteVolume(DeleteVolumeRequest request, StreamObserver<DeleteVolumeResponse> response) {
        answer(response, () -> {
            require(request.getVolumeId(), "volume_id");
            try (VolumeLocks.Held _ = locks.acquire("volume:" + request.getVolumeId(), "DeleteVolume")) {
                deleteVolume(request.getVolumeId());
            }
            return DeleteVolumeResponse.getDefaultInstance();
        });
    }

    private void deleteVolume(String volumeId) {
        Optional<VolumeHandle> handle = VolumeHandle.tryParse(volumeId);
        if (handle.isEmpty()) return; // never issued by us, so it does not exist: OK
        StorageNode node = directory
                .storageNode(handle.get().node())
                .orElseThrow(() ->
                        CsiErrors.unavailable("storage node " + handle.get().node() + " of volume "
                                + volumeId + " is not usable right now ("
                                + directory.whyUnavailable(handle.get().node()).orElse("unknown node")
                                + "); the volume cannot be deleted until it is back"));
        String uuid = handle.get().uuid().toString();
        String what = "deleting volume " + volumeId;
        Optional<Volume> volume = call(node, what, () -> node.dataplane().getVolume(uuid));
        if (volume.isEmpty() || volume.get().getKind() == Volume.Kind.SNAPSHOT) return;
        Optional<Export> export = call(node, what, () -> node.dataplane().getExport(uuid));
        if (export.isPresent()) {
            throw CsiErrors.failedPrecondition("volume " + volumeId + " is still published to "
                    + listings.nodeIds(export.get()) + "; ControllerUnpublishVolume it first");
        }
        call(node, what, () -> {
            node.dataplane().deleteVolume(uuid);
            // a volume cloned from a volume reads from a hidden snapshot; it goes with its last clone
            String parent = volume.get().getParentUuid();
            if (!parent.isEmpty()) deleteHiddenCloneSource(node, parent);
            return null;
        });
    }

    private static void deleteHiddenCloneSource(StorageNode node, String snapshotUuid) {
        Optional<Volume> parent = node.dataplane().getVolume(snapshotUuid);
        if (parent.isEmpty() || !parent.get().containsXattrs(DataplaneNames.CLONE_SOURCE)) return;
        try {
            node.dataplane().deleteVolume(snapshotUuid);
        } catch (StatusRuntimeException e) {
            // FAILED_PRECONDITION: another clone still reads from it; it goes with that one
            if (e.getStatus().getCode() != Status.Code.FAILED_PRECONDITION) throw e;
        }
    }

    @Override
    public void controllerPublishVolume(
            ControllerPublishVolumeRequest request, StreamObserver<ControllerPublishVolumeResponse> response) {
        answer(response, () -> {
            require(request.getVolumeId(), "volume_id");
            require(request.getNodeId(), "node_id");
            if (!request.hasVolumeCapability()) throw CsiErrors.invalidArgument("volume_capability is required");
            AccessModes.unsupported(request.getVolumeCapability()).ifPresent(why -> {
                throw CsiErrors.invalidArgument(why);
            });
            try (VolumeLocks.Held _ = locks.acquire("volume:" + request.getVolumeId(), "ControllerPublishVolume")) {
                return publish(request.getVolumeId(), request.getNodeId());
            }
        });
    }

    private ControllerPublishVolumeResponse publish(String volumeId, String nodeId) {
        VolumeLookup.Found found = lookup.byId(volumeId)
                .filter(f -> f.volume().getKind() != Volume.Kind.SNAPSHOT)
                .orElseThrow(() -> CsiErrors.notFound("volume " + volumeId + " does not exist"));
        String hostNqn = directory
                .hostNqnOf(nodeId)
                .orElseThrow(() -> CsiErrors.notFound("node " + nodeId + " is not known to Peregrine (no host NQN "
                        + "for it: in a cluster, no StorageNode " + nodeId + "); is Peregrine running there?"));
        StorageNode node = found.node();
        String uuid = found.volume().getUuid();
        String what = "publishing volume " + volumeId;
        Optional<Export> existing = call(node, what, () -> node.dataplane().getExport(uuid));
        if (existing.isPresent()) {
            List<String> others = existing.get().getAllowedHostNqnsList().stream()
                    .filter(h -> !h.equals(hostNqn))
                    .toList();
            if (!others.isEmpty() || existing.get().getAllowAnyHost()) {
                throw CsiErrors.failedPrecondition("volume " + volumeId + " is published to "
                        + (others.isEmpty() ? "any host" : listings.nodeIds(existing.get())) + "; a Peregrine "
                        + "volume is attached to one node at a time, ControllerUnpublishVolume it there first");
            }
        }
        Export export = call(node, what, () -> node.dataplane().publish(uuid, hostNqn));
        return ControllerPublishVolumeResponse.newBuilder()
                .putAllPublishContext(publishContext(node, export).toMap())
                .build();
    }

    /** Where and how the node finds the namespace: the storage node's reachable targets. */
    private static PublishContext publishContext(StorageNode node, Export export) {
        List<TargetAddress> targets = new ArrayList<>(node.targets());
        if (targets.isEmpty()) {
            export.getListenersList().stream()
                    .filter(l -> "tcp".equals(l.getTrtype())
                            && !"0.0.0.0".equals(l.getTraddr())
                            && !"::".equals(l.getTraddr()))
                    .forEach(l -> targets.add(TargetAddress.tcp(l.getTraddr(), Integer.parseInt(l.getTrsvcid()))));
        }
        if (targets.isEmpty()) {
            throw CsiErrors.unavailable(
                    "storage node " + node.name() + " reports no NVMe/TCP listener; is its " + "target running?");
        }
        Optional<UUID> nsUuid = export.getNamespaceUuid().isEmpty()
                ? Optional.empty()
                : Optional.of(UUID.fromString(export.getNamespaceUuid()));
        return new PublishContext(export.getSubsystemNqn(), targets, export.getNamespaceNguid(), nsUuid);
    }

    @Override
    public void controllerUnpublishVolume(
            ControllerUnpublishVolumeRequest request, StreamObserver<ControllerUnpublishVolumeResponse> response) {
        answer(response, () -> {
            require(request.getVolumeId(), "volume_id");
            try (VolumeLocks.Held _ = locks.acquire("volume:" + request.getVolumeId(), "ControllerUnpublishVolume")) {
                unpublish(request.getVolumeId(), request.getNodeId());
            }
            return ControllerUnpublishVolumeResponse.getDefaultInstance();
        });
    }

    private void unpublish(String volumeId, String nodeId) {
        Optional<VolumeHandle> handle = VolumeHandle.tryParse(volumeId);
        if (handle.isEmpty()) return;
        Optional<StorageNode> node = directory.storageNode(handle.get().node());
        if (node.isEmpty()) {
            // an unusable node may still export the volume to this consumer: report, the CO retries
            directory.whyUnavailable(handle.get().node()).ifPresent(why -> {
                throw CsiErrors.unavailable("cannot unpublish " + volumeId + ": " + why);
            });
            return; // an unknown storage node exports nothing
        }
        StorageNode storage = node.get();
        String uuid = handle.get().uuid().toString();
        String what = "unpublishing volume " + volumeId;
        Optional<Export> export = call(storage, what, () -> storage.dataplane().getExport(uuid));
        if (export.isEmpty()) return;
        if (!nodeId.isEmpty()) {
            String hostNqn = directory
                    .hostNqnOf(nodeId)
                    .orElseThrow(() -> CsiErrors.notFound("node " + nodeId + " is not known, so its host cannot be "
                            + "removed from the export of " + volumeId));
            Export current = export.get();
            if (current.getAllowedHostNqnsList().contains(hostNqn)) {
                current = call(storage, what, () -> storage.dataplane().removeHost(uuid, hostNqn));
            }
            if (!current.getAllowedHostNqnsList().isEmpty() || current.getAllowAnyHost()) return;
        }
        call(storage, what, () -> {
            storage.dataplane().unpublish(uuid);
            return null;
        });
    }

    @Override
    public void validateVolumeCapabilities(
            ValidateVolumeCapabilitiesRequest request, StreamObserver<ValidateVolumeCapabilitiesResponse> response) {
        answer(response, () -> {
            require(request.getVolumeId(), "volume_id");
            if (request.getVolumeCapabilitiesCount() == 0) {
                throw CsiErrors.invalidArgument("volume_capabilities is required");
            }
            lookup.byId(request.getVolumeId())
                    .filter(f -> f.volume().getKind() != Volume.Kind.SNAPSHOT)
                    .orElseThrow(() -> CsiErrors.notFound("volume " + request.getVolumeId() + " does not exist"));
            List<String> problems = new ArrayList<>();
            for (VolumeCapability capability : request.getVolumeCapabilitiesList()) {
                AccessModes.unsupported(capability).ifPresent(problems::add);
            }
            if (!problems.isEmpty()) {
                return ValidateVolumeCapabilitiesResponse.newBuilder()
                        .setMessage(String.join("; ", problems))
                        .build();
            }
            try {
                VolumeParameters.parse(request.getParametersMap());
            } catch (IllegalArgumentException e) {
                return ValidateVolumeCapabilitiesResponse.newBuilder()
                        .setMessage(e.getMessage())
                        .build();
            }
            return ValidateVolumeCapabilitiesResponse.newBuilder()
                    .setConfirmed(ValidateVolumeCapabilitiesResponse.Confirmed.newBuilder()
                            .putAllVolumeContext(request.getVolumeContextMap())
                            .addAllVolumeCapabilities(request.getVolumeCapabilitiesList())
                            .putAllParameters(request.getParametersMap()))
                    .build();
        });
    }

    @Override
    public void listVolumes(ListVolumesRequest request, StreamObserver<ListVolumesResponse> response) {
        answer(response, () -> {
            Listings.Page page = listings.page(
                    "volumes",
                    directory.storageNodes(),
                    List.of(Volume.Kind.VOLUME, Volume.Kind.CLONE),
                    v -> v.containsXattrs(DataplaneNames.CSI_NAME),
                    request.getMaxEntries(),
                    request.getStartingToken());
            ListVolumesResponse.Builder out = ListVolumesResponse.newBuilder().setNextToken(page.nextToken());
            java.util.Map<String, Map<String, List<String>>> published = new java.util.HashMap<>();
            for (Listings.Item item : page.items()) {
                Map<String, List<String>> byVolume =
                        published.computeIfAbsent(item.node().name(), n -> listings.publishedNodes(item.node()));
                out.addEntries(ListVolumesResponse.Entry.newBuilder()
                        .setVolume(csiVolume(new VolumeLookup.Found(item.node(), item.volume())))
                        .setStatus(ListVolumesResponse.VolumeStatus.newBuilder()
                                .addAllPublishedNodeIds(
                                        byVolume.getOrDefault(item.volume().getUuid(), List.of()))));
            }
            return out.build();
        });
    }

    @Override
    public void controllerGetVolume(
            ControllerGetVolumeRequest request, StreamObserver<ControllerGetVolumeResponse> response) {
        answer(response, () -> {
            require(request.getVolumeId(), "volume_id");
            VolumeLookup.Found found = lookup.byId(request.getVolumeId())
                    .filter(f -> f.volume().getKind() != Volume.Kind.SNAPSHOT)
                    .orElseThrow(() -> CsiErrors.notFound("volume " + request.getVolumeId() + " does not exist"));
            try {
                List<String> published = found.node()
                        .dataplane()
                        .getExport(found.volume().getUuid())
                        .map(listings::nodeIds)
                        .orElse(List.of());
                return ControllerGetVolumeResponse.newBuilder()
                        .setVolume(csiVolume(found))
                        .setStatus(ControllerGetVolumeResponse.VolumeStatus.newBuilder()
                                .addAllPublishedNodeIds(published)
                                .setVolumeCondition(condition(found)))
                        .build();
            } catch (StatusRuntimeException e) {
                throw DataplaneErrors.translate(found.node().name(), "reading volume " + request.getVolumeId(), e);
            }
        });
    }

    /** Abnormal when the volume's pool is not ONLINE: its I/O is failing or at risk. */
    private static VolumeCondition condition(VolumeLookup.Found found) {
        Optional<Pool> pool = found.node().dataplane().listPools().stream()
                .filter(p -> p.getName().equals(found.volume().getPool()))
                .findFirst();
        if (pool.isEmpty()) {
            return VolumeCondition.newBuilder()
                    .setAbnormal(true)
                    .setMessage("pool " + found.volume().getPool() + " is not loaded on "
                            + found.node().name())
                    .build();
        }
        if (pool.get().getState() != Pool.State.ONLINE) {
            return VolumeCondition.newBuilder()
                    .setAbnormal(true)
                    .setMessage("pool " + pool.get().getName() + " on "
                            + found.node().name() + " is "
                            + pool.get().getState()
                            + (pool.get().getMessage().isEmpty()
                                    ? ""
                                    : ": " + pool.get().getMessage()))
                    .build();
        }
        return VolumeCondition.newBuilder()
                .setAbnormal(false)
                .setMessage(
                        "pool " + pool.get().getName() + " on " + found.node().name() + " is ONLINE")
                .build();
    }

    @Override
    public void controllerExpandVolume(
            ControllerExpandVolumeRequest request, StreamObserver<ControllerExpandVolumeResponse> response) {
        answer(response, () -> {
            require(request.getVolumeId(), "volume_id");
            if (!request.hasCapacityRange()) throw CsiErrors.invalidArgument("capacity_range is required");
            Capacities.validate(request.getCapacityRange());
            if (request.hasVolumeCapability()) {
                AccessModes.unsupported(request.getVolumeCapability()).ifPresent(why -> {
                    throw CsiErrors.invalidArgument(why);
                });
            }
            try (VolumeLocks.Held _ = locks.acquire("volume:" + request.getVolumeId(), "ControllerExpandVolume")) {
                VolumeLookup.Found found = lookup.byId(request.getVolumeId())
                        .filter(f -> f.volume().getKind() != Volume.Kind.SNAPSHOT)
                        .orElseThrow(() -> CsiErrors.notFound("volume " + request.getVolumeId() + " does not exist"));
                long current = found.volume().getSizeBytes();
                long size = current;
                if (!Capacities.satisfies(current, request.getCapacityRange())) {
                    if (request.getCapacityRange().getLimitBytes() > 0
                            && current > request.getCapacityRange().getLimitBytes()) {
                        throw CsiErrors.outOfRange("volume " + request.getVolumeId() + " is already " + current
                                + " bytes, above limit_bytes "
                                + request.getCapacityRange().getLimitBytes()
                                + "; volumes cannot shrink");
                    }
                    long cluster = found.node().dataplane().listPools().stream()
                            .filter(p -> p.getName().equals(found.volume().getPool()))
                            .mapToLong(Pool::getClusterSizeBytes)
                            .filter(c -> c > 0)
                            .findFirst()
                            .orElse(Provisioner.DEFAULT_CLUSTER);
                    size = Capacities.size(request.getCapacityRange(), cluster, current);
                    try {
                        size = found.node()
                                .dataplane()
                                .growVolume(found.volume().getUuid(), size)
                                .getSizeBytes();
                    } catch (StatusRuntimeException e) {
                        throw DataplaneErrors.translate(found.node().name(), "growing " + request.getVolumeId(), e);
                    }
                }
                // filesystems must be grown on the node; raw block volumes need the node's rescan
                return ControllerExpandVolumeResponse.newBuilder()
                        .setCapacityBytes(size)
                        .setNodeExpansionRequired(true)
                        .build();
            }
        });
    }

    @Override
    public void getCapacity(GetCapacityRequest request, StreamObserver<GetCapacityResponse> response) {
        answer(response, () -> {
            VolumeParameters parameters = parameters(request.getParametersMap());
            for (VolumeCapability capability : request.getVolumeCapabilitiesList()) {
                if (AccessModes.unsupported(capability).isPresent()) {
                    return GetCapacityResponse.newBuilder()
                            .setAvailableCapacity(0)
                            .build();
                }
            }
            List<StorageNode> nodes;
            if (request.hasAccessibleTopology()) {
                String name = request.getAccessibleTopology()
                        .getSegmentsOrDefault(io.peregrine.csi.CsiDriver.TOPOLOGY_NODE_KEY, "");
                nodes = directory.storageNode(name).map(List::of).orElse(List.of());
            } else {
                nodes = directory.storageNodes();
            }
            long available = 0;
            long maximum = 0;
            long minimum = Long.MAX_VALUE;
            for (StorageNode node : nodes) {
                List<Pool> pools;
                try {
                    pools = node.dataplane().listPools();
                } catch (StatusRuntimeException e) {
                    if (nodes.size() == 1) throw DataplaneErrors.translate(node.name(), "reading capacity", e);
                    continue; // an unreachable node offers nothing now
                }
                for (Pool pool : pools) {
                    if (pool.getState() != Pool.State.ONLINE) continue;
                    if (parameters.pool().isPresent()
                            && !parameters.pool().get().equals(pool.getName())) continue;
                    available += pool.getFreeBytes();
                    // thin volumes may outgrow free space (they allocate on write); thick ones may not
                    maximum = Math.max(maximum, parameters.thin() ? pool.getCapacityBytes() : pool.getFreeBytes());
                    long cluster =
                            pool.getClusterSizeBytes() > 0 ? pool.getClusterSizeBytes() : Provisioner.DEFAULT_CLUSTER;
                    minimum = Math.min(minimum, cluster);
                }
            }
            GetCapacityResponse.Builder out = GetCapacityResponse.newBuilder()
                    .setAvailableCapacity(available)
                    .setMaximumVolumeSize(Int64Value.of(maximum));
            if (minimum != Long.MAX_VALUE) out.setMinimumVolumeSize(Int64Value.of(minimum));
            return out.build();
        });
    }

    @Override
    public void controllerGetCapabilities(
            ControllerGetCapabilitiesRequest request, StreamObserver<ControllerGetCapabilitiesResponse> response) {
        answer(response, () -> {
            ControllerGetCapabilitiesResponse.Builder out = ControllerGetCapabilitiesResponse.newBuilder();
            for (ControllerServiceCapability.RPC.Type type : CAPABILITIES) {
                out.addCapabilities(ControllerServiceCapability.newBuilder()
                        .setRpc(ControllerServiceCapability.RPC.newBuilder().setType(type)));
            }
            return out.build();
        });
    }

    // ---------------------------------------------------------------------------- snapshots

    @Override
    public void createSnapshot(CreateSnapshotRequest request, StreamObserver<CreateSnapshotResponse> response) {
        answer(response, () -> {
            require(request.getSourceVolumeId(), "source_volume_id");
            require(request.getName(), "name");
            for (String key : request.getParametersMap().keySet()) {
                if (!key.startsWith(VolumeParameters.KUBERNETES_PREFIX)) {
                    throw CsiErrors.invalidArgument("unknown snapshot parameter '" + key + "' (none are supported)");
                }
            }
            try (VolumeLocks.Held _ = locks.acquire("snapshot-name:" + request.getName(), "CreateSnapshot")) {
                return CreateSnapshotResponse.newBuilder()
                        .setSnapshot(createSnapshot(request))
                        .build();
            }
        });
    }

    private Snapshot createSnapshot(CreateSnapshotRequest request) {
        String dataplaneName = DataplaneNames.snapshot(request.getName());
        Optional<VolumeLookup.Found> existing = lookup.byName(dataplaneName, request.getName());
        Optional<VolumeHandle> source = VolumeHandle.tryParse(request.getSourceVolumeId());
        if (existing.isPresent()) {
            VolumeLookup.Found f = existing.get();
            boolean sameSource = source.isPresent()
                    && f.node().name().equals(source.get().node())
                    && f.volume().getParentUuid().equals(source.get().uuid().toString());
            if (f.volume().getKind() != Volume.Kind.SNAPSHOT || !sameSource) {
                throw CsiErrors.alreadyExists("snapshot '" + request.getName() + "' already exists for another source ("
                        + f.node().name() + "/" + f.volume().getParentUuid() + ")");
            }
            return csiSnapshot(f);
        }
        VolumeLookup.Found volume = lookup.byId(request.getSourceVolumeId())
                .filter(f -> f.volume().getKind() != Volume.Kind.SNAPSHOT)
                .orElseThrow(
                        () -> CsiErrors.notFound("source volume " + request.getSourceVolumeId() + " does not exist"));
        try {
            Volume snapshot = volume.node()
                    .dataplane()
                    .createSnapshot(io.peregrine.dataplane.api.v1.CreateSnapshotRequest.newBuilder()
                            .setSourceUuid(volume.volume().getUuid())
                            .setName(dataplaneName)
                            .putAllXattrs(request.getParametersMap())
                            .putXattrs(DataplaneNames.CSI_NAME, request.getName())
                            .build());
            return csiSnapshot(new VolumeLookup.Found(volume.node(), snapshot));
        } catch (StatusRuntimeException e) {
            throw DataplaneErrors.translate(volume.node().name(), "snapshotting " + request.getSourceVolumeId(), e);
        }
    }

    @Override
    public void deleteSnapshot(DeleteSnapshotRequest request, StreamObserver<DeleteSnapshotResponse> response) {
        answer(response, () -> {
            require(request.getSnapshotId(), "snapshot_id");
            try (VolumeLocks.Held _ = locks.acquire("snapshot:" + request.getSnapshotId(), "DeleteSnapshot")) {
                Optional<VolumeLookup.Found> found = lookup.byId(request.getSnapshotId())
                        .filter(f -> f.volume().getKind() == Volume.Kind.SNAPSHOT);
                if (found.isPresent()) deleteSnapshot(found.get());
            }
            return DeleteSnapshotResponse.getDefaultInstance();
        });
    }

    /**
     * Volumes restored from a snapshot must outlive it (CSI treats them as independent), so
     * clones still reading from it are decoupled -- their shared clusters copied -- first.
     */
    private static void deleteSnapshot(VolumeLookup.Found snapshot) {
        StorageNode node = snapshot.node();
        String uuid = snapshot.volume().getUuid();
        try {
            try {
                node.dataplane().deleteVolume(uuid);
                return;
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.FAILED_PRECONDITION) throw e;
            }
            String token = "";
            do {
                var page = node.dataplane()
                        .listVolumes(io.peregrine.dataplane.api.v1.ListVolumesRequest.newBuilder()
                                .setPool(snapshot.volume().getPool())
                                .addKinds(Volume.Kind.CLONE)
                                .setPageToken(token)
                                .build());
                for (Volume clone : page.getVolumesList()) {
                    if (clone.getParentUuid().equals(uuid)) node.dataplane().decouple(clone.getUuid());
                }
                token = page.getNextPageToken();
            } while (!token.isEmpty());
            node.dataplane().deleteVolume(uuid);
        } catch (StatusRuntimeException e) {
            throw DataplaneErrors.translate(node.name(), "deleting snapshot " + handle(snapshot), e);
        }
    }

    @Override
    public void listSnapshots(ListSnapshotsRequest request, StreamObserver<ListSnapshotsResponse> response) {
        answer(response, () -> {
            if (request.getMaxEntries() < 0) {
                throw CsiErrors.invalidArgument("max_entries must not be negative, got " + request.getMaxEntries());
            }
            ListSnapshotsResponse.Builder out = ListSnapshotsResponse.newBuilder();
            if (!request.getSnapshotId().isEmpty()) {
                PageToken.decode(request.getStartingToken(), "snapshots");
                lookup.byId(request.getSnapshotId())
                        .filter(f -> isCsiSnapshot(f.volume()))
                        .filter(f -> request.getSourceVolumeId().isEmpty()
                                || sourceId(f).equals(request.getSourceVolumeId()))
                        .ifPresent(f -> out.addEntries(
                                ListSnapshotsResponse.Entry.newBuilder().setSnapshot(csiSnapshot(f))));
                return out.build();
            }
            List<StorageNode> nodes = directory.storageNodes();
            java.util.function.Predicate<Volume> include = ControllerService::isCsiSnapshot;
            if (!request.getSourceVolumeId().isEmpty()) {
                Optional<VolumeHandle> source = VolumeHandle.tryParse(request.getSourceVolumeId());
                if (source.isEmpty()) return out.build();
                String holder = source.get().node();
                directory.whyUnavailable(holder).ifPresent(why -> {
                    throw CsiErrors.unavailable("cannot list snapshots of " + request.getSourceVolumeId() + ": " + why);
                });
                nodes = directory.storageNode(holder).map(List::of).orElse(List.of());
                String parent = source.get().uuid().toString();
                include = include.and(v -> v.getParentUuid().equals(parent));
            }
            Listings.Page page = listings.page(
                    "snapshots",
                    nodes,
                    List.of(Volume.Kind.SNAPSHOT),
                    include,
                    request.getMaxEntries(),
                    request.getStartingToken());
            for (Listings.Item item : page.items()) {
                out.addEntries(ListSnapshotsResponse.Entry.newBuilder()
                        .setSnapshot(csiSnapshot(new VolumeLookup.Found(item.node(), item.volume()))));
            }
            return out.setNextToken(page.nextToken()).build();
        });
    }

    @Override
    public void getSnapshot(GetSnapshotRequest request, StreamObserver<GetSnapshotResponse> response) {
        answer(response, () -> {
            require(request.getSnapshotId(), "snapshot_id");
            VolumeLookup.Found found = lookup.byId(request.getSnapshotId())
                    .filter(f -> isCsiSnapshot(f.volume()))
                    .orElseThrow(() -> CsiErrors.notFound("snapshot " + request.getSnapshotId() + " does not exist"));
            return GetSnapshotResponse.newBuilder()
                    .setSnapshot(csiSnapshot(found))
                    .build();
        });
    }

    // ------------------------------------------------------------------------------ helpers

    private static boolean isCsiSnapshot(Volume v) {
        return v.getKind() == Volume.Kind.SNAPSHOT && v.containsXattrs(DataplaneNames.CSI_NAME);
    }

    private static io.peregrine.csi.v1.Volume csiVolume(VolumeLookup.Found found) {
        io.peregrine.csi.v1.Volume.Builder volume = io.peregrine.csi.v1.Volume.newBuilder()
                .setVolumeId(handle(found).toString())
                .setCapacityBytes(found.volume().getSizeBytes())
                .putAllVolumeContext(Provisioner.context(found))
                .addAccessibleTopology(Placement.topologyOf(found.node().name()));
        String source = found.volume().getXattrsOrDefault(DataplaneNames.CSI_SOURCE, "");
        if (source.startsWith("snapshot:")) {
            volume.setContentSource(VolumeContentSource.newBuilder()
                    .setSnapshot(VolumeContentSource.SnapshotSource.newBuilder()
                            .setSnapshotId(source.substring("snapshot:".length()))));
        } else if (source.startsWith("volume:")) {
            volume.setContentSource(VolumeContentSource.newBuilder()
                    .setVolume(VolumeContentSource.VolumeSource.newBuilder()
                            .setVolumeId(source.substring("volume:".length()))));
        }
        return volume.build();
    }

    private static Snapshot csiSnapshot(VolumeLookup.Found found) {
        Volume v = found.volume();
        Snapshot.Builder snapshot = Snapshot.newBuilder()
                .setSnapshotId(handle(found).toString())
                .setSizeBytes(v.getSizeBytes())
                .setSourceVolumeId(sourceId(found))
                // a dataplane snapshot is instant and complete when CreateSnapshot returns
                .setReadyToUse(true);
        if (v.hasCreatedAt()) {
            snapshot.setCreationTime(Timestamp.newBuilder()
                    .setSeconds(v.getCreatedAt().getSeconds())
                    .setNanos(v.getCreatedAt().getNanos()));
        }
        return snapshot.build();
    }

    private static String sourceId(VolumeLookup.Found snapshot) {
        String parent = snapshot.volume().getParentUuid();
        return parent.isEmpty() ? "" : snapshot.node().name() + "/" + parent;
    }

    private static VolumeHandle handle(VolumeLookup.Found found) {
        return new VolumeHandle(
                found.node().name(), UUID.fromString(found.volume().getUuid()));
    }

    private static VolumeParameters parameters(Map<String, String> parameters) {
        try {
            return VolumeParameters.parse(parameters);
        } catch (IllegalArgumentException e) {
            throw CsiErrors.invalidArgument(e.getMessage());
        }
    }

    /** An fsType parameter and a capability's fs_type must agree when both are given. */
    private static void checkFsTypes(CreateVolumeRequest request, VolumeParameters parameters) {
        if (parameters.fsType().isEmpty()) return;
        for (VolumeCapability capability : request.getVolumeCapabilitiesList()) {
            if (!capability.hasMount() || capability.getMount().getFsType().isEmpty()) continue;
            String fs = capability.getMount().getFsType();
            if (!fs.equalsIgnoreCase(parameters.fsType().get().fsName())) {
                throw CsiErrors.invalidArgument("parameter fsType "
                        + parameters.fsType().get().fsName() + " contradicts the capability's fs_type " + fs);
            }
        }
    }

    private static void require(String value, String field) {
        if (value.isEmpty()) throw CsiErrors.invalidArgument(field + " is required");
    }

    private static <T> void answer(StreamObserver<T> response, Supplier<T> body) {
        Rpc.answer(response, body);
    }

    /** A dataplane call whose failure is translated for the CO, naming the node and the action. */
    private static <T> T call(StorageNode node, String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            throw DataplaneErrors.translate(node.name(), what, e);
        }
    }
}
