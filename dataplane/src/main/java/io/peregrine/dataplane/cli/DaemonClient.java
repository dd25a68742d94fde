package io.peregrine.dataplane.cli;

import io.grpc.StatusRuntimeException;
import io.peregrine.dataplane.api.v1.AddHostRequest;
import io.peregrine.dataplane.api.v1.CheckHealthRequest;
import io.peregrine.dataplane.api.v1.CheckPoolRequest;
import io.peregrine.dataplane.api.v1.CheckPoolResponse;
import io.peregrine.dataplane.api.v1.CreateCloneRequest;
import io.peregrine.dataplane.api.v1.CreatePoolRequest;
import io.peregrine.dataplane.api.v1.CreateSnapshotRequest;
import io.peregrine.dataplane.api.v1.CreateVolumeRequest;
import io.peregrine.dataplane.api.v1.DecoupleVolumeRequest;
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
import io.peregrine.dataplane.api.v1.ListVolumesResponse;
import io.peregrine.dataplane.api.v1.NodeInfo;
import io.peregrine.dataplane.api.v1.NodeServiceGrpc;
import io.peregrine.dataplane.api.v1.Pool;
import io.peregrine.dataplane.api.v1.PoolServiceGrpc;
import io.peregrine.dataplane.api.v1.PublishVolumeRequest;
import io.peregrine.dataplane.api.v1.RemoveHostRequest;
import io.peregrine.dataplane.api.v1.UnpublishVolumeRequest;
import io.peregrine.dataplane.api.v1.Volume;
import io.peregrine.dataplane.api.v1.VolumeServiceGrpc;
import io.peregrine.dataplane.api.v1.VolumeStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The management API as the commands use it: blocking calls, each with a deadline, every failure
 * turned into a {@link CommandFailedException} by {@link DaemonErrors}.
 */
public final class DaemonClient {

    private final DaemonConnection connection;
    private final Duration timeout;
    private final Duration longTimeout;

    /**
     * @param timeout limit for ordinary calls
     * @param longTimeout limit for calls that copy or zero data (decouple, thick volumes)
     */
    public DaemonClient(DaemonConnection connection, Duration timeout, Duration longTimeout) {
        this.connection = connection;
        this.timeout = timeout;
        this.longTimeout = longTimeout;
    }

    public DaemonEndpoint endpoint() {
        return connection.endpoint();
    }

    // ------------------------------------------------------------------------------------ node

    public NodeInfo nodeInfo() {
        return call(timeout, () -> nodes(timeout).getNodeInfo(GetNodeInfoRequest.getDefaultInstance()));
    }

    public Health health() {
        return call(timeout, () -> nodes(timeout).checkHealth(CheckHealthRequest.getDefaultInstance()));
    }

    // ----------------------------------------------------------------------------------- pools

    public Pool createPool(CreatePoolRequest request) {
        return call(longTimeout, () -> pools(longTimeout).createPool(request));
    }

    public Pool importPool(ImportPoolRequest request) {
        return call(longTimeout, () -> pools(longTimeout).importPool(request));
    }

    public void exportPool(ExportPoolRequest request) {
        call(longTimeout, () -> pools(longTimeout).exportPool(request));
    }

    public void destroyPool(DestroyPoolRequest request) {
        call(longTimeout, () -> pools(longTimeout).destroyPool(request));
    }

    public Pool getPool(String name) {
        return call(
                timeout,
                () -> pools(timeout)
                        .getPool(GetPoolRequest.newBuilder().setName(name).build()));
    }

    public List<Pool> listPools() {
        return call(timeout, () -> pools(timeout).listPools(ListPoolsRequest.getDefaultInstance()))
                .getPoolsList();
    }

    public CheckPoolResponse checkPool(CheckPoolRequest request) {
        return call(longTimeout, () -> pools(longTimeout).checkPool(request));
    }

    // --------------------------------------------------------------------------------- volumes

    public Volume createVolume(CreateVolumeRequest request, boolean slow) {
        Duration limit = slow ? longTimeout : timeout;
        return call(limit, () -> volumes(limit).createVolume(request));
    }

    public void deleteVolume(DeleteVolumeRequest request) {
        call(timeout, () -> volumes(timeout).deleteVolume(request));
    }

    public Volume growVolume(GrowVolumeRequest request) {
        return call(timeout, () -> volumes(timeout).growVolume(request));
    }

    public Volume getVolume(GetVolumeRequest request) {
        return call(timeout, () -> volumes(timeout).getVolume(request));
    }

    /**
     * Every volume the filter selects, following page tokens to the last page.
     *
     * @throws CommandFailedException when the daemon hands out a token twice (it would loop)
     */
    public List<Volume> listAllVolumes(ListVolumesRequest filter) {
        List<Volume> all = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        ListVolumesRequest request = filter;
        while (true) {
            ListVolumesRequest page = request;
            ListVolumesResponse response = call(timeout, () -> volumes(timeout).listVolumes(page));
            all.addAll(response.getVolumesList());
            String token = response.getNextPageToken();
            if (token.isEmpty()) {
                return all;
            }
            if (!seen.add(token)) {
                throw new CommandFailedException(
                        ExitStatus.FAILED,
                        "the daemon at " + endpoint().describe() + " returned the page token '" + token
                                + "' twice while listing volumes; stopped rather than loop (a daemon bug)");
            }
            request = filter.toBuilder().setPageToken(token).build();
        }
    }

    public VolumeStats volumeStats(String uuid) {
        return call(
                timeout,
                () -> volumes(timeout)
                        .getVolumeStats(
                                GetVolumeStatsRequest.newBuilder().setUuid(uuid).build()));
    }

    public Volume createSnapshot(CreateSnapshotRequest request) {
        return call(timeout, () -> volumes(timeout).createSnapshot(request));
    }

    public Volume createClone(CreateCloneRequest request) {
        return call(timeout, () -> volumes(timeout).createClone(request));
    }

    public Volume decouple(String uuid) {
        return call(
                longTimeout,
                () -> volumes(longTimeout)
                        .decoupleVolume(
                                DecoupleVolumeRequest.newBuilder().setUuid(uuid).build()));
    }

    // --------------------------------------------------------------------------------- exports

    public Export publish(PublishVolumeRequest request) {
        return call(timeout, () -> exports().publishVolume(request));
    }

    public void unpublish(String volumeUuid) {
        call(
                timeout,
                () -> exports()
                        .unpublishVolume(UnpublishVolumeRequest.newBuilder()
                                .setVolumeUuid(volumeUuid)
                                .build()));
    }

    public Export addHost(String volumeUuid, String hostNqn) {
        return call(
                timeout,
                () -> exports()
                        .addHost(AddHostRequest.newBuilder()
                                .setVolumeUuid(volumeUuid)
                                .setHostNqn(hostNqn)
                                .build()));
    }

    public Export removeHost(String volumeUuid, String hostNqn) {
        return call(
                timeout,
                () -> exports()
                        .removeHost(RemoveHostRequest.newBuilder()
                                .setVolumeUuid(volumeUuid)
                                .setHostNqn(hostNqn)
                                .build()));
    }

    public Export getExport(String volumeUuid) {
        return call(
                timeout,
                () -> exports()
                        .getExport(GetExportRequest.newBuilder()
                                .setVolumeUuid(volumeUuid)
                                .build()));
    }

    public List<Export> listExports() {
        return call(timeout, () -> exports().listExports(ListExportsRequest.getDefaultInstance()))
                .getExportsList();
    }

    // ----------------------------------------------------------------------------------- stubs

    private NodeServiceGrpc.NodeServiceBlockingStub nodes(Duration limit) {
        return NodeServiceGrpc.newBlockingStub(connection.channel())
                .withDeadlineAfter(limit.toNanos(), TimeUnit.NANOSECONDS);
    }

    private PoolServiceGrpc.PoolServiceBlockingStub pools(Duration limit) {
        return PoolServiceGrpc.newBlockingStub(connection.channel())
                .withDeadlineAfter(limit.toNanos(), TimeUnit.NANOSECONDS);
    }

    private VolumeServiceGrpc.VolumeServiceBlockingStub volumes(Duration limit) {
        return VolumeServiceGrpc.newBlockingStub(connection.channel())
                .withDeadlineAfter(limit.toNanos(), TimeUnit.NANOSECONDS);
    }

    private ExportServiceGrpc.ExportServiceBlockingStub exports() {
        return ExportServiceGrpc.newBlockingStub(connection.channel())
                .withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private <T> T call(Duration limit, Supplier<T> rpc) {
        try {
            return rpc.get();
        } catch (StatusRuntimeException e) {
            throw DaemonErrors.map(e, connection.endpoint(), limit);
        }
    }
}
