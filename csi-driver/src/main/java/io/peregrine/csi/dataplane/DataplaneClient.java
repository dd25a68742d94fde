package io.peregrine.csi.dataplane;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peregrine.dataplane.api.v1.AddHostRequest;
import io.peregrine.dataplane.api.v1.CheckHealthRequest;
import io.peregrine.dataplane.api.v1.CreateCloneRequest;
import io.peregrine.dataplane.api.v1.CreateSnapshotRequest;
import io.peregrine.dataplane.api.v1.CreateVolumeRequest;
import io.peregrine.dataplane.api.v1.DecoupleVolumeRequest;
import io.peregrine.dataplane.api.v1.DeleteVolumeRequest;
import io.peregrine.dataplane.api.v1.Export;
import io.peregrine.dataplane.api.v1.ExportServiceGrpc;
import io.peregrine.dataplane.api.v1.GetExportRequest;
import io.peregrine.dataplane.api.v1.GetNodeInfoRequest;
import io.peregrine.dataplane.api.v1.GetVolumeRequest;
import io.peregrine.dataplane.api.v1.GrowVolumeRequest;
import io.peregrine.dataplane.api.v1.Health;
import io.peregrine.dataplane.api.v1.ListExportsRequest;
import io.peregrine.dataplane.api.v1.ListPoolsRequest;
import io.peregrine.dataplane.api.v1.ListVolumesRequest;
import io.peregrine.dataplane.api.v1.ListVolumesResponse;
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
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One dataplane's management API (peregrine.dataplane.v1), as the controller uses it: blocking
 * calls, each with a deadline, NOT_FOUND turned into empty answers where absence is a normal
 * outcome. Other failures come back as the dataplane's own status; callers translate them
 * into CSI's codes with the context they know ({@link DataplaneErrors}).
 */
public final class DataplaneClient {

    private final String node;
    private final Channel channel;
    private final Duration deadline;
    private final Duration longDeadline;

    /**
     * @param node the storage node this dataplane runs on, for messages
     * @param deadline limit for ordinary calls
     * @param longDeadline limit for calls that copy data (clone decoupling)
     */
    public DataplaneClient(String node, Channel channel, Duration deadline, Duration longDeadline) {
        this.node = node;
        this.channel = channel;
        this.deadline = deadline;
        this.longDeadline = longDeadline;
    }

    public String node() {
        return node;
    }

    public NodeInfo nodeInfo() {
        return nodes().getNodeInfo(GetNodeInfoRequest.getDefaultInstance());
    }

    public Health checkHealth(Duration limit) {
        return NodeServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(limit.toMillis(), TimeUnit.MILLISECONDS)
                .checkHealth(CheckHealthRequest.getDefaultInstance());
    }

    public List<Pool> listPools() {
        return pools().listPools(ListPoolsRequest.getDefaultInstance()).getPoolsList();
    }

    public Optional<Volume> getVolume(String uuid) {
        return absentOnNotFound(() ->
                volumes().getVolume(GetVolumeRequest.newBuilder().setUuid(uuid).build()));
    }

    public Optional<Volume> findVolume(String pool, String name) {
        return absentOnNotFound(() -> volumes()
                .getVolume(GetVolumeRequest.newBuilder()
                        .setPoolAndName(PoolAndName.newBuilder().setPool(pool).setName(name))
                        .build()));
    }

    public Volume createVolume(CreateVolumeRequest request) {
        return volumes().createVolume(request);
    }

    public void deleteVolume(String uuid) {
        volumes()
                .deleteVolume(DeleteVolumeRequest.newBuilder()
                        .setUuid(uuid)
                        .setAllowMissing(true)
                        .build());
    }

    public Volume growVolume(String uuid, long sizeBytes) {
        return volumes()
                .growVolume(GrowVolumeRequest.newBuilder()
                        .setUuid(uuid)
                        .setSizeBytes(sizeBytes)
                        .build());
    }

    public ListVolumesResponse listVolumes(ListVolumesRequest request) {
        return volumes().listVolumes(request);
    }

    public Volume createSnapshot(CreateSnapshotRequest request) {
        return volumes().createSnapshot(request);
    }

    public Volume createClone(CreateCloneRequest request) {
        return volumes().createClone(request);
    }

    public Volume decouple(String uuid) {
        return VolumeServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(longDeadline.toMillis(), TimeUnit.MILLISECONDS)
                .decoupleVolume(DecoupleVolumeRequest.newBuilder().setUuid(uuid).build());
    }

    public Export publish(String volumeUuid, String hostNqn) {
        return exports()
                .publishVolume(PublishVolumeRequest.newBuilder()
                        .setVolumeUuid(volumeUuid)
                        .addAllowedHostNqns(hostNqn)
                        .build());
    }

    public Export addHost(String volumeUuid, String hostNqn) {
        return exports()
                .addHost(AddHostRequest.newBuilder()
                        .setVolumeUuid(volumeUuid)
                        .setHostNqn(hostNqn)
                        .build());
    }

    public Export removeHost(String volumeUuid, String hostNqn) {
        return exports()
                .removeHost(RemoveHostRequest.newBuilder()
                        .setVolumeUuid(volumeUuid)
                        .setHostNqn(hostNqn)
                        .build());
    }

    public void unpublish(String volumeUuid) {
        exports()
                .unpublishVolume(UnpublishVolumeRequest.newBuilder()
                        .setVolumeUuid(volumeUuid)
                        .build());
    }

    public Optional<Export> getExport(String volumeUuid) {
        return absentOnNotFound(() -> exports()
                .getExport(
                        GetExportRequest.newBuilder().setVolumeUuid(volumeUuid).build()));
    }

    public List<Export> listExports() {
        return exports().listExports(ListExportsRequest.getDefaultInstance()).getExportsList();
    }

    private NodeServiceGrpc.NodeServiceBlockingStub nodes() {
        return NodeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    private PoolServiceGrpc.PoolServiceBlockingStub pools() {
        return PoolServiceGrpc.newBlockingStub(channel).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    private VolumeServiceGrpc.VolumeServiceBlockingStub volumes() {
        return VolumeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    private ExportServiceGrpc.ExportServiceBlockingStub exports() {
        return ExportServiceGrpc.newBlockingStub(channel).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    private interface Call<T> {
        T run();
    }

    private static <T> Optional<T> absentOnNotFound(Call<T> call) {
        try {
            return Optional.of(call.run());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) return Optional.empty();
            throw e;
        }
    }
}
