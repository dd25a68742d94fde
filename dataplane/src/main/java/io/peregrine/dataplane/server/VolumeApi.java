package io.peregrine.dataplane.server;

import io.grpc.stub.StreamObserver;
import io.peregrine.dataplane.api.v1.CreateCloneRequest;
import io.peregrine.dataplane.api.v1.CreateSnapshotRequest;
import io.peregrine.dataplane.api.v1.CreateVolumeRequest;
import io.peregrine.dataplane.api.v1.DecoupleVolumeRequest;
import io.peregrine.dataplane.api.v1.DeleteVolumeRequest;
import io.peregrine.dataplane.api.v1.DeleteVolumeResponse;
import io.peregrine.dataplane.api.v1.GetVolumeRequest;
import io.peregrine.dataplane.api.v1.GetVolumeStatsRequest;
import io.peregrine.dataplane.api.v1.GrowVolumeRequest;
import io.peregrine.dataplane.api.v1.ListVolumesRequest;
import io.peregrine.dataplane.api.v1.ListVolumesResponse;
import io.peregrine.dataplane.api.v1.Volume;
import io.peregrine.dataplane.api.v1.VolumeServiceGrpc;
import io.peregrine.dataplane.api.v1.VolumeStats;
import io.peregrine.dataplane.node.DataplaneException;
import io.peregrine.dataplane.node.Node;
import io.peregrine.dataplane.node.Volumes;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/** VolumeService: volumes, snapshots, clones, growth, statistics. */
final class VolumeApi extends VolumeServiceGrpc.VolumeServiceImplBase {
    static final int DEFAULT_PAGE = 100;
    static final int MAX_PAGE = 1000;

    private final Node node;

    VolumeApi(Node node) {
        this.node = node;
    }

    private Volume proto(Volumes.Located l) {
        return Protos.volume(l, node.exports());
    }

    @Override
    public void createVolume(CreateVolumeRequest r, StreamObserver<Volume> out) {
        Rpc.answer(out, () -> {
            boolean thick = switch (r.getProvisioning()) {
                case PROVISIONING_UNSPECIFIED, THIN -> false;
                case THICK -> true;
                case UNRECOGNIZED ->
                    throw DataplaneException.invalid(
                            "provisioning " + r.getProvisioningValue() + " is not THIN or THICK");
            };
            return proto(node.volumes()
                    .create(Rpc.required("pool", r.getPool()), r.getName(), r.getSizeBytes(), thick, r.getXattrsMap()));
        });
    }

    @Override
    public void deleteVolume(DeleteVolumeRequest r, StreamObserver<DeleteVolumeResponse> out) {
        Rpc.answer(out, () -> {
            node.volumes().delete(Rpc.uuid("uuid", r.getUuid()), r.getAllowMissing());
            return DeleteVolumeResponse.getDefaultInstance();
        });
    }

    @Override
    public void growVolume(GrowVolumeRequest r, StreamObserver<Volume> out) {
        Rpc.answer(out, () -> proto(node.volumes().grow(Rpc.uuid("uuid", r.getUuid()), r.getSizeBytes())));
    }

    @Override
    public void getVolume(GetVolumeRequest r, StreamObserver<Volume> out) {
        Rpc.answer(out, () -> switch (r.getSelectorCase()) {
            case UUID -> proto(node.volumes().locate(Rpc.uuid("uuid", r.getUuid())));
            case POOL_AND_NAME ->
                proto(node.volumes()
                        .get(
                                Rpc.required(
                                        "pool_and_name.pool", r.getPoolAndName().getPool()),
                                Rpc.required(
                                        "pool_and_name.name", r.getPoolAndName().getName())));
            case SELECTOR_NOT_SET -> throw DataplaneException.invalid("give the volume's uuid or its pool_and_name");
        });
    }

    @Override
    public void listVolumes(ListVolumesRequest r, StreamObserver<ListVolumesResponse> out) {
        Rpc.answer(out, () -> {
            Set<Volume.Kind> kinds = EnumSet.noneOf(Volume.Kind.class);
            for (Volume.Kind k : r.getKindsList()) {
                if (k == Volume.Kind.KIND_UNSPECIFIED || k == Volume.Kind.UNRECOGNIZED) {
                    throw DataplaneException.invalid("kinds may list VOLUME, SNAPSHOT and CLONE only");
                }
                kinds.add(k);
            }
            String filter = r.getPool() + "|"
                    + new TreeSet<>(kinds.stream().map(Enum::name).toList());
            PageToken after = r.getPageToken().isEmpty() ? null : PageToken.decode(r.getPageToken(), filter);
            int size = r.getPageSize() == 0 ? DEFAULT_PAGE : Math.min(r.getPageSize(), MAX_PAGE);
            List<Volumes.Located> all = node.volumes().list(r.getPool());
            ListVolumesResponse.Builder b = ListVolumesResponse.newBuilder();
            Volumes.Located last = null;
            boolean more = false;
            for (Volumes.Located l : all) {
                if (after != null && !after.before(l.pool().name(), l.volume().name())) {
                    continue;
                }
                Volume v = proto(l);
                if (!kinds.isEmpty() && !kinds.contains(v.getKind())) {
                    continue;
                }
                if (b.getVolumesCount() == size) {
                    more = true;
                    break;
                }
                b.addVolumes(v);
                last = l;
            }
            if (more && last != null) {
                b.setNextPageToken(
                        new PageToken(filter, last.pool().name(), last.volume().name()).encode());
            }
            return b.build();
        });
    }

    @Override
    public void getVolumeStats(GetVolumeStatsRequest r, StreamObserver<VolumeStats> out) {
        Rpc.answer(out, () -> {
            UUID uuid = Rpc.uuid("uuid", r.getUuid());
            io.peregrine.dataplane.lvol.VolumeStats s = node.volumes().stats(uuid);
            return VolumeStats.newBuilder()
                    .setUuid(uuid.toString())
                    .setReadOps(s.reads())
                    .setWriteOps(s.writes())
                    .setReadBytes(s.readBytes())
                    .setWriteBytes(s.writeBytes())
                    .setFlushOps(s.flushes())
                    .setUnmapOps(s.unmaps())
                    .setWriteZeroesOps(s.writeZeroes())
                    .setReadLatencyNanos(s.readLatencyNanos())
                    .setWriteLatencyNanos(s.writeLatencyNanos())
                    .setErrors(s.errors())
                    .build();
        });
    }

    @Override
    public void createSnapshot(CreateSnapshotRequest r, StreamObserver<Volume> out) {
        Rpc.answer(
                out,
                () -> proto(node.volumes()
                        .snapshot(Rpc.uuid("source_uuid", r.getSourceUuid()), r.getName(), r.getXattrsMap())));
    }

    @Override
    public void createClone(CreateCloneRequest r, StreamObserver<Volume> out) {
        Rpc.answer(
                out,
                () -> proto(node.volumes()
                        .clone(
                                Rpc.uuid("snapshot_uuid", r.getSnapshotUuid()),
                                r.getName(),
                                r.getSizeBytes(),
                                r.getXattrsMap())));
    }

    @Override
    public void decoupleVolume(DecoupleVolumeRequest r, StreamObserver<Volume> out) {
        Rpc.answer(out, () -> proto(node.volumes().decouple(Rpc.uuid("uuid", r.getUuid()))));
    }
}
