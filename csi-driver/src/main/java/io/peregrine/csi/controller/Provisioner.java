package io.peregrine.csi.controller;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peregrine.csi.dataplane.DataplaneErrors;
import io.peregrine.csi.server.CsiErrors;
import io.peregrine.csi.v1.CapacityRange;
import io.peregrine.csi.v1.CreateVolumeRequest;
import io.peregrine.csi.v1.TopologyRequirement;
import io.peregrine.csi.v1.VolumeContentSource;
import io.peregrine.csi.volume.VolumeContext;
import io.peregrine.csi.volume.VolumeHandle;
import io.peregrine.dataplane.api.v1.CreateCloneRequest;
import io.peregrine.dataplane.api.v1.CreateSnapshotRequest;
import io.peregrine.dataplane.api.v1.CreateVolumeRequest.Builder;
import io.peregrine.dataplane.api.v1.Pool;
import io.peregrine.dataplane.api.v1.Provisioning;
import io.peregrine.dataplane.api.v1.Volume;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * CreateVolume: find what an earlier call with the same name created, or place and create a new
 * volume -- empty, restored from a snapshot (a clone of it) or cloned from a volume (a clone of
 * a hidden snapshot of it, deleted with its last clone).
 */
final class Provisioner {

    /** Used when a pool does not report its cluster size. */
    static final long DEFAULT_CLUSTER = 4L << 20;

    private final NodeDirectory directory;
    private final VolumeLookup lookup;

    Provisioner(NodeDirectory directory, VolumeLookup lookup) {
        this.directory = directory;
        this.lookup = lookup;
    }

    /** The created (or already existing) volume and the node it is on. */
    VolumeLookup.Found create(CreateVolumeRequest request, VolumeParameters parameters) {
        String name = request.getName();
        String dataplaneName = DataplaneNames.volume(name);
        String source = sourceKey(request);
        VolumeLookup.Survey survey = lookup.survey();
        Optional<VolumeLookup.Found> existing = lookup.byName(dataplaneName, name, survey);
        if (existing.isPresent()) {
            checkCompatible(existing.get(), request, parameters, source);
            return existing.get();
        }
        Map<String, String> xattrs = new LinkedHashMap<>(parameters.kubernetes());
        xattrs.put(DataplaneNames.CSI_NAME, name);
        if (!source.isEmpty()) xattrs.put(DataplaneNames.CSI_SOURCE, source);
        parameters.fsType().ifPresent(fs -> xattrs.put(DataplaneNames.CSI_FS_TYPE, fs.fsName()));
        VolumeContentSource content = request.getVolumeContentSource();
        return switch (content.getTypeCase()) {
            case SNAPSHOT -> fromSnapshot(request, content.getSnapshot().getSnapshotId(), dataplaneName, xattrs);
            case VOLUME -> fromVolume(request, content.getVolume().getVolumeId(), dataplaneName, xattrs);
            case TYPE_NOT_SET -> empty(request, parameters, dataplaneName, xattrs, survey);
        };
    }

    private VolumeLookup.Found empty(
            CreateVolumeRequest request,
            VolumeParameters parameters,
            String dataplaneName,
            Map<String, String> xattrs,
            VolumeLookup.Survey survey) {
        List<Placement.NodePools> nodes = survey.reachable();
        long estimate = Capacities.size(request.getCapacityRange(), 1 << 20, 0);
        Placement.Result placement = Placement.place(
                nodes, request.getAccessibilityRequirements(), estimate, parameters.thin(), parameters.pool());
        List<String> failures = new ArrayList<>();
        for (Placement.Candidate candidate : placement.candidates()) {
            long size = Capacities.size(request.getCapacityRange(), clusterOf(candidate.pool()), 0);
            Builder create = io.peregrine.dataplane.api.v1.CreateVolumeRequest.newBuilder()
                    .setPool(candidate.pool().getName())
                    .setName(dataplaneName)
                    .setSizeBytes(size)
                    .setProvisioning(parameters.thin() ? Provisioning.THIN : Provisioning.THICK)
                    .putAllXattrs(xattrs);
            try {
                return new VolumeLookup.Found(
                        candidate.node(), candidate.node().dataplane().createVolume(create.build()));
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                if (code == Status.Code.RESOURCE_EXHAUSTED || code == Status.Code.UNAVAILABLE) {
                    failures.add(candidate.node().name() + "/"
                            + candidate.pool().getName() + ": " + e.getStatus().getDescription());
                    continue; // the pool filled up since it reported, or its node went away: next one
                }
                throw DataplaneErrors.translate(candidate.node().name(), "creating volume " + dataplaneName, e);
            }
        }
        String why = placement.candidates().isEmpty() ? placement.whyNone() : String.join("; ", failures);
        throw CsiErrors.resourceExhausted("cannot place volume '" + request.getName() + "': " + why);
    }

    private VolumeLookup.Found fromSnapshot(
            CreateVolumeRequest request, String snapshotId, String dataplaneName, Map<String, String> xattrs) {
        VolumeLookup.Found snapshot = lookup.byId(snapshotId)
                .filter(f -> f.volume().getKind() == Volume.Kind.SNAPSHOT)
                .orElseThrow(() -> CsiErrors.notFound("source snapshot " + snapshotId + " does not exist"));
        requireAccessible(snapshot.node(), request.getAccessibilityRequirements(), "snapshot " + snapshotId);
        return clone(request, snapshot, snapshot.volume().getSizeBytes(), dataplaneName, xattrs);
    }

    private VolumeLookup.Found fromVolume(
            CreateVolumeRequest request, String volumeId, String dataplaneName, Map<String, String> xattrs) {
        VolumeLookup.Found source = lookup.byId(volumeId)
                .filter(f -> f.volume().getKind() != Volume.Kind.SNAPSHOT)
                .orElseThrow(() -> CsiErrors.notFound("source volume " + volumeId + " does not exist"));
        requireAccessible(source.node(), request.getAccessibilityRequirements(), "volume " + volumeId);
        // fail on size before cutting a snapshot that would only be left behind
        Capacities.size(request.getCapacityRange(), 1, source.volume().getSizeBytes());
        String snapshotName = DataplaneNames.cloneSource(request.getName());
        StorageNode node = source.node();
        Volume snapshot;
        try {
            snapshot = node.dataplane()
                    .findVolume(source.volume().getPool(), snapshotName)
                    .orElseGet(() -> node.dataplane()
                            .createSnapshot(CreateSnapshotRequest.newBuilder()
                                    .setSourceUuid(source.volume().getUuid())
                                    .setName(snapshotName)
                                    .putXattrs(DataplaneNames.CLONE_SOURCE, volumeId)
                                    .build()));
        } catch (StatusRuntimeException e) {
            throw DataplaneErrors.translate(node.name(), "snapshotting " + volumeId + " to clone it", e);
        }
        return clone(
                request, new VolumeLookup.Found(node, snapshot), source.volume().getSizeBytes(), dataplaneName, xattrs);
    }

    private VolumeLookup.Found clone(
            CreateVolumeRequest request,
            VolumeLookup.Found snapshot,
            long sourceSize,
            String dataplaneName,
            Map<String, String> xattrs) {
        long cluster = clusterOfPool(snapshot.node(), snapshot.volume().getPool());
        long size = Capacities.size(request.getCapacityRange(), cluster, sourceSize);
        try {
            Volume clone = snapshot.node()
                    .dataplane()
                    .createClone(CreateCloneRequest.newBuilder()
                            .setSnapshotUuid(snapshot.volume().getUuid())
                            .setName(dataplaneName)
                            .setSizeBytes(size)
                            .putAllXattrs(xattrs)
                            .build());
            return new VolumeLookup.Found(snapshot.node(), clone);
        } catch (StatusRuntimeException e) {
            throw DataplaneErrors.translate(snapshot.node().name(), "cloning into " + dataplaneName, e);
        }
    }

    /** The same name again: fine when the volume satisfies this request, ALREADY_EXISTS otherwise. */
    private static void checkCompatible(
            VolumeLookup.Found found, CreateVolumeRequest request, VolumeParameters parameters, String source) {
        Volume v = found.volume();
        List<String> differences = new ArrayList<>();
        if (v.getKind() == Volume.Kind.SNAPSHOT) differences.add("it is a snapshot");
        CapacityRange range = request.getCapacityRange();
        if (!Capacities.satisfies(v.getSizeBytes(), range)) {
            differences.add("its size " + v.getSizeBytes() + " is outside [" + range.getRequiredBytes() + ", "
                    + (range.getLimitBytes() == 0 ? "any" : range.getLimitBytes()) + "]");
        }
        String existingSource = v.getXattrsOrDefault(DataplaneNames.CSI_SOURCE, "");
        if (!existingSource.equals(source)) {
            differences.add("it was created from '" + existingSource + "', not '" + source + "'");
        }
        if (source.isEmpty()) {
            boolean thin = v.getProvisioning() != Provisioning.THICK;
            if (thin != parameters.thin()) differences.add("it is " + (thin ? "thin" : "thick"));
        }
        parameters
                .pool()
                .filter(p -> !p.equals(v.getPool()))
                .ifPresent(p -> differences.add("it is in pool " + v.getPool()));
        String fs = v.getXattrsOrDefault(DataplaneNames.CSI_FS_TYPE, "");
        String wantFs = parameters.fsType().map(f -> f.fsName()).orElse("");
        if (!fs.equals(wantFs)) differences.add("its fsType parameter was '" + fs + "'");
        Set<String> requisite =
                Placement.names(request.getAccessibilityRequirements().getRequisiteList());
        if (!requisite.isEmpty() && !requisite.contains(found.node().name())) {
            differences.add("it is on node " + found.node().name() + ", outside the requisite topology");
        }
        if (!differences.isEmpty()) {
            throw CsiErrors.alreadyExists("volume '" + request.getName() + "' already exists ("
                    + new VolumeHandle(found.node().name(), java.util.UUID.fromString(v.getUuid()))
                    + ") and is incompatible with this request: " + String.join("; ", differences));
        }
    }

    private static void requireAccessible(StorageNode node, TopologyRequirement requirement, String what) {
        Set<String> requisite = Placement.names(requirement.getRequisiteList());
        if (!requirement.getRequisiteList().isEmpty() && !requisite.contains(node.name())) {
            throw CsiErrors.resourceExhausted(what + " is on node " + node.name() + "; a volume made from it lives "
                    + "there too, which is outside the requisite topology " + requisite);
        }
    }

    private static String sourceKey(CreateVolumeRequest request) {
        VolumeContentSource content = request.getVolumeContentSource();
        return switch (content.getTypeCase()) {
            case SNAPSHOT -> "snapshot:" + content.getSnapshot().getSnapshotId();
            case VOLUME -> "volume:" + content.getVolume().getVolumeId();
            case TYPE_NOT_SET -> "";
        };
    }

    private static long clusterOf(Pool pool) {
        return pool.getClusterSizeBytes() > 0 ? pool.getClusterSizeBytes() : DEFAULT_CLUSTER;
    }

    private static long clusterOfPool(StorageNode node, String pool) {
        try {
            return node.dataplane().listPools().stream()
                    .filter(p -> p.getName().equals(pool))
                    .findFirst()
                    .map(Provisioner::clusterOf)
                    .orElse(DEFAULT_CLUSTER);
        } catch (StatusRuntimeException e) {
            throw DataplaneErrors.translate(node.name(), "reading pool " + pool, e);
        }
    }

    /** The volume context CreateVolume returns for a volume. */
    static Map<String, String> context(VolumeLookup.Found found) {
        Map<String, String> context = new LinkedHashMap<>();
        context.put(VolumeContext.NODE, found.node().name());
        context.put(VolumeContext.POOL, found.volume().getPool());
        String fs = found.volume().getXattrsOrDefault(DataplaneNames.CSI_FS_TYPE, "");
        if (!fs.isEmpty()) context.put(VolumeContext.FS_TYPE, fs);
        return context;
    }
}
