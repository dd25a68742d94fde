package io.peregrine.dataplane.cli;

import com.google.protobuf.Timestamp;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.peregrine.dataplane.api.v1.AddHostRequest;
import io.peregrine.dataplane.api.v1.CheckHealthRequest;
import io.peregrine.dataplane.api.v1.CheckPoolRequest;
import io.peregrine.dataplane.api.v1.CheckPoolResponse;
import io.peregrine.dataplane.api.v1.CheckProblem;
import io.peregrine.dataplane.api.v1.CreateCloneRequest;
import io.peregrine.dataplane.api.v1.CreatePoolRequest;
import io.peregrine.dataplane.api.v1.CreateSnapshotRequest;
import io.peregrine.dataplane.api.v1.CreateVolumeRequest;
import io.peregrine.dataplane.api.v1.DecoupleVolumeRequest;
import io.peregrine.dataplane.api.v1.DeleteVolumeRequest;
import io.peregrine.dataplane.api.v1.DeleteVolumeResponse;
import io.peregrine.dataplane.api.v1.DestroyPoolRequest;
import io.peregrine.dataplane.api.v1.DestroyPoolResponse;
import io.peregrine.dataplane.api.v1.Device;
import io.peregrine.dataplane.api.v1.DeviceHealth;
import io.peregrine.dataplane.api.v1.DmaMemory;
import io.peregrine.dataplane.api.v1.Export;
import io.peregrine.dataplane.api.v1.ExportPoolRequest;
import io.peregrine.dataplane.api.v1.ExportPoolResponse;
import io.peregrine.dataplane.api.v1.ExportServiceGrpc;
import io.peregrine.dataplane.api.v1.GetExportRequest;
import io.peregrine.dataplane.api.v1.GetNodeInfoRequest;
import io.peregrine.dataplane.api.v1.GetPoolRequest;
import io.peregrine.dataplane.api.v1.GetVolumeRequest;
import io.peregrine.dataplane.api.v1.GetVolumeStatsRequest;
import io.peregrine.dataplane.api.v1.GrowVolumeRequest;
import io.peregrine.dataplane.api.v1.Health;
import io.peregrine.dataplane.api.v1.HealthCheck;
import io.peregrine.dataplane.api.v1.ImportPoolRequest;
import io.peregrine.dataplane.api.v1.ListExportsRequest;
import io.peregrine.dataplane.api.v1.ListExportsResponse;
import io.peregrine.dataplane.api.v1.ListPoolsRequest;
import io.peregrine.dataplane.api.v1.ListPoolsResponse;
import io.peregrine.dataplane.api.v1.ListVolumesRequest;
import io.peregrine.dataplane.api.v1.ListVolumesResponse;
import io.peregrine.dataplane.api.v1.NodeInfo;
import io.peregrine.dataplane.api.v1.NodeServiceGrpc;
import io.peregrine.dataplane.api.v1.Pool;
import io.peregrine.dataplane.api.v1.PoolServiceGrpc;
import io.peregrine.dataplane.api.v1.Provisioning;
import io.peregrine.dataplane.api.v1.PublishVolumeRequest;
import io.peregrine.dataplane.api.v1.Reactor;
import io.peregrine.dataplane.api.v1.RemoveHostRequest;
import io.peregrine.dataplane.api.v1.TransportAddress;
import io.peregrine.dataplane.api.v1.UnpublishVolumeRequest;
import io.peregrine.dataplane.api.v1.UnpublishVolumeResponse;
import io.peregrine.dataplane.api.v1.Volume;
import io.peregrine.dataplane.api.v1.VolumeServiceGrpc;
import io.peregrine.dataplane.api.v1.VolumeStats;
import io.peregrine.dataplane.bdev.Sizes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A test double of the dataplane management API: pools, volumes and exports kept in memory,
 * answering with the codes the proto's header prescribes. It serves the CLI's behaviour tests
 * over a real Unix socket, and can fail the next call with any status ({@link #failNext}) — the
 * case the real daemon cannot be made to produce on demand.
 */
final class FakeDataplane {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    static final long DEFAULT_CLUSTER = 4L << 20;

    private final Map<String, Pool> pools = new LinkedHashMap<>();
    private final Map<String, Pool> exportedPools = new LinkedHashMap<>();
    private final Map<String, Volume> volumes = new LinkedHashMap<>();
    private final Map<String, List<Volume>> exportedVolumes = new LinkedHashMap<>();
    private final Map<String, Export> exports = new LinkedHashMap<>();
    private final AtomicReference<Status> failNext = new AtomicReference<>();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicBoolean ignoreNext = new AtomicBoolean();
    private volatile int defaultPageSize = 100;
    private volatile Health.Status health = Health.Status.SERVING;
    private long clock = 1_795_000_000L;

    /** The next call fails with {@code status}, whatever it is. */
    void failNext(Status status) {
        failNext.set(status);
    }

    /** The next call is never answered: the client's deadline is what ends it. */
    void ignoreNext() {
        ignoreNext.set(true);
    }

    void defaultPageSize(int n) {
        defaultPageSize = n;
    }

    void health(Health.Status status) {
        health = status;
    }

    int calls() {
        return calls.get();
    }

    List<ServerServiceDefinition> services() {
        ServerInterceptor inject = new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
                calls.incrementAndGet();
                if (ignoreNext.getAndSet(false)) {
                    return new ServerCall.Listener<>() {};
                }
                Status fail = failNext.getAndSet(null);
                if (fail != null) {
                    call.close(fail, new Metadata());
                    return new ServerCall.Listener<>() {};
                }
                return next.startCall(call, headers);
            }
        };
        return List.of(
                ServerInterceptors.intercept(new Nodes(), inject),
                ServerInterceptors.intercept(new Pools(), inject),
                ServerInterceptors.intercept(new Volumes(), inject),
                ServerInterceptors.intercept(new Exports(), inject));
    }

    private static <T> void answer(StreamObserver<T> out, Supplier<T> body) {
        T result;
        try {
            result = body.get();
        } catch (StatusRuntimeException e) {
            out.onError(e);
            return;
        }
        out.onNext(result);
        out.onCompleted();
    }

    private static StatusRuntimeException fail(Status.Code code, String message) {
        return Status.fromCode(code).withDescription(message).asRuntimeException();
    }

    private Timestamp now() {
        return Timestamp.newBuilder().setSeconds(clock++).build();
    }

    // ------------------------------------------------------------------------------------ node

    private final class Nodes extends NodeServiceGrpc.NodeServiceImplBase {
        @Override
        public void getNodeInfo(GetNodeInfoRequest request, StreamObserver<NodeInfo> out) {
            answer(out, () -> nodeInfo());
        }

        @Override
        public void checkHealth(CheckHealthRequest request, StreamObserver<Health> out) {
            answer(
                    out,
                    () -> Health.newBuilder()
                            .setStatus(health)
                            .addChecks(
                                    HealthCheck.newBuilder().setName("target").setOk(true))
                            .addChecks(HealthCheck.newBuilder()
                                    .setName("reactors")
                                    .setOk(health == Health.Status.SERVING)
                                    .setMessage(health == Health.Status.SERVING ? "" : "reactor 1 stalled for 5s"))
                            .build());
        }
    }

    static NodeInfo nodeInfo() {
        return NodeInfo.newBuilder()
                .setNodeName("laptop")
                .setVersion("0.1.0")
                .setHostNqn("nqn.2014-08.org.nvmexpress:uuid:5b0b0e2a-3f59-4c36-9d3e-1f1a3c2b4d5e")
                .addListeners(TransportAddress.newBuilder()
                        .setTrtype("tcp")
                        .setAdrfam("ipv4")
                        .setTraddr("127.0.0.1")
                        .setTrsvcid("4420"))
                .addReactors(Reactor.newBuilder()
                        .setId(0)
                        .setCore(0)
                        .setBusyNanos(1_250_000_000L)
                        .setIdleNanos(3_600_000_000_000L)
                        .setState(Reactor.State.PARKED))
                .addReactors(Reactor.newBuilder()
                        .setId(1)
                        .setCore(-1)
                        .setBusyNanos(45_000_000_000L)
                        .setIdleNanos(15_000_000_000L)
                        .setState(Reactor.State.POLLING))
                .setDmaMemory(DmaMemory.newBuilder()
                        .setHugepageSizeBytes(2L << 20)
                        .setHugepagesTotal(64)
                        .setHugepagesFree(12)
                        .setPoolBytes(64L << 20)
                        .setPoolUsedBytes(40L << 20))
                .addDevices(Device.newBuilder()
                        .setUri("pcie://0000:00:05.0")
                        .setKind(Device.Kind.NVME_PCIE)
                        .setModel("QEMU NVMe Ctrl")
                        .setSerial("deadbeef")
                        .setFirmware("8.2.1")
                        .setSizeBytes(1L << 30)
                        .setBlockSize(512)
                        .setPool("fast")
                        .setHealth(DeviceHealth.newBuilder()
                                .setTemperatureKelvin(308)
                                .setPercentageUsed(3)
                                .setMediaErrors(0)
                                .setCriticalWarning(0x05)))
                .addDevices(Device.newBuilder()
                        .setUri("file:///var/lib/peregrine/disk.img")
                        .setKind(Device.Kind.FILE)
                        .setSizeBytes(10L << 30)
                        .setBlockSize(4096))
                .setStartedAt(Timestamp.newBuilder().setSeconds(1_795_000_000L))
                .build();
    }

    // ----------------------------------------------------------------------------------- pools

    private final class Pools extends PoolServiceGrpc.PoolServiceImplBase {
        @Override
        public void createPool(CreatePoolRequest r, StreamObserver<Pool> out) {
            answer(out, () -> {
                synchronized (FakeDataplane.this) {
                    name(r.getName());
                    Pool existing = pools.get(r.getName());
                    if (existing != null) {
                        if (existing.getDiskUri().equals(r.getDiskUri())) {
                            return existing;
                        }
                        throw fail(
                                Status.Code.ALREADY_EXISTS,
                                "pool " + r.getName() + " already exists on " + existing.getDiskUri());
                    }
                    for (Pool p : pools.values()) {
                        if (p.getDiskUri().equals(r.getDiskUri())) {
                            throw fail(
                                    Status.Code.FAILED_PRECONDITION,
                                    r.getDiskUri() + " already holds pool " + p.getName()
                                            + "; import it, or destroy it first");
                        }
                    }
                    if (!r.getDiskUri().contains("://")) {
                        throw fail(
                                Status.Code.INVALID_ARGUMENT,
                                "invalid device URI '" + r.getDiskUri() + "'; e.g. file:///var/lib/peregrine/disk.img");
                    }
                    long capacity = capacity(r.getDiskUri());
                    long cluster = r.getClusterSizeBytes() == 0 ? DEFAULT_CLUSTER : r.getClusterSizeBytes();
                    Pool p = Pool.newBuilder()
                            .setName(r.getName())
                            .setUuid(uuid(r.getName()))
                            .setDiskUri(r.getDiskUri())
                            .setState(Pool.State.ONLINE)
                            .setCapacityBytes(capacity)
                            .setFreeBytes(capacity)
                            .setClusterSizeBytes(cluster)
                            .setFormatVersion(1)
                            .build();
                    pools.put(p.getName(), p);
                    return p;
                }
            });
        }

        @Override
        public void importPool(ImportPoolRequest r, StreamObserver<Pool> out) {
            answer(out, () -> {
                synchronized (FakeDataplane.this) {
                    for (Pool p : pools.values()) {
                        if (p.getDiskUri().equals(r.getDiskUri())) {
                            return p;
                        }
                    }
                    Pool p = exportedPools.remove(r.getDiskUri());
                    if (p == null) {
                        throw fail(Status.Code.NOT_FOUND, "no pool on " + r.getDiskUri());
                    }
                    if (!r.getExpectedName().isEmpty() && !r.getExpectedName().equals(p.getName())) {
                        exportedPools.put(r.getDiskUri(), p);
                        throw fail(
                                Status.Code.FAILED_PRECONDITION,
                                r.getDiskUri() + " holds pool " + p.getName() + ", not " + r.getExpectedName());
                    }
                    pools.put(p.getName(), p);
                    for (Volume v : exportedVolumes.getOrDefault(r.getDiskUri(), List.of())) {
                        volumes.put(v.getUuid(), v);
                    }
                    return p;
                }
            });
        }

        @Override
        public void exportPool(ExportPoolRequest r, StreamObserver<ExportPoolResponse> out) {
            answer(out, () -> {
                synchronized (FakeDataplane.this) {
                    Pool p = pool(r.getName());
                    List<Volume> in = volumesOf(p.getName());
                    for (Volume v : in) {
                        if (exports.containsKey(v.getUuid()) && !r.getForce()) {
                            throw fail(
                                    Status.Code.FAILED_PRECONDITION,
                                    "volume " + v.getName() + " is published; unpublish it or use force");
                        }
                    }
                    in.forEach(v -> {
                        exports.remove(v.getUuid());
                        volumes.remove(v.getUuid());
                    });
                    pools.remove(p.getName());
                    exportedPools.put(p.getDiskUri(), p);
                    exportedVolumes.put(
                            p.getDiskUri(),
                            in.stream()
                                    .map(v -> v.toBuilder().clearSubsystemNqn().build())
                                    .toList());
                    return ExportPoolResponse.getDefaultInstance();
                }
            });
        }

        @Override
        public void destroyPool(DestroyPoolRequest r, StreamObserver<DestroyPoolResponse> out) {
            answer(out, () -> {
                synchronized (FakeDataplane.this) {
                    Pool p = pools.get(r.getName());
                    if (p == null) {
                        if (r.getAllowMissing()) {
                            return DestroyPoolResponse.getDefaultInstance();
                        }
                        throw fail(Status.Code.NOT_FOUND, "no pool named " + r.getName());
                    }
                    List<Volume> in = volumesOf(p.getName());
                    if (!in.isEmpty() && !r.getForce()) {
                        throw fail(
                                Status.Code.FAILED_PRECONDITION,
                                "pool " + p.getName() + " holds " + in.size() + " volumes; delete them or use force");
                    }
                    in.forEach(v -> {
                        exports.remove(v.getUuid());
                        volumes.remove(v.getUuid());
                    });
                    pools.remove(p.getName());
                    return DestroyPoolResponse.getDefaultInstance();
                }
            });
        }

        @Override
        public void getPool(GetPoolRequest r, StreamObserver<Pool> out) {
            answer(out, () -> {
                synchronized (FakeDataplane.this) {
                    return pool(r.getName());
                }
            });
        }

        @Override
        public void listPools(ListPoolsRequest r, StreamObserver<ListPoolsResponse> out) {
            answer(out, () -> {
                synchronized (FakeDataplane.this) {
                    return ListPoolsResponse.newBuilder()
                            .addAllPools(pools.values())
                            .build();
                }
            });
        }

        @Override
        public void checkPool(CheckPoolRequest r, StreamObserver<CheckPoolResponse> out) {
            answer(out, () -> {
                synchronized (FakeDataplane.this) {
                    Pool p = r.hasName() ? pool(r.getName()) : null;
                    if (p == null && !exportedPools.containsKey(r.getDiskUri())) {
                        throw fail(Status.Code.NOT_FOUND, "no pool on " + r.getDiskUri());
                    }
                    if (p != null && p.getName().startsWith("damaged")) {
                        return CheckPoolResponse.newBuilder()
                                .setClean(false)
                                .setClustersTotal(256)
                                .setClustersUsed(10)
                                .addProblems(CheckProblem.newBuilder()
                                        .setSeverity(CheckProblem.Severity.ERROR)
                                        .setMessage("cluster 7 is owned by two volumes"))
                                .build();
                    }
                    return CheckPoolResponse.newBuilder()
                            .setClean(true)
                            .setClustersTotal(256)
                            .setClustersUsed(10)
                            .build();
                }
            });
        }
    }

    // --------------------------------------------------------------------------------- volumes

    private final class Volumes extends VolumeServiceGrpc.VolumeServiceImplBase {
        @Override
        public void createVolume(CreateVolumeRequest r, StreamObserver<Volume> out) {
            answer(out, () -> {
                synchronized (FakeDataplane.this) {
                    Pool p = pool(r.getPool());
                    name(r.getName());
                    if (r.getSizeBytes() == 0) {
                        throw fail(Status.Code.INVALID_ARGUMENT, "size_bytes must be more than 0");
                    }
                    Provisioning prov =
                            r.getProvisioning() == Provisioning.THICK ? Provisioning.THICK : Provisioning.THIN;
                    Volume existing = byName(p.getName(), r.getName());
                    if (existing != null) {
                        if (existing.getSizeBytes() == r.getSizeBytes() && existing.getProvisioning() == prov) {
                            return existing;
                        }
                        throw fail(
                                Status.Code.ALREADY_EXISTS,
                                "volume " + r.getName() + " exists in pool " + p.getName() + " with another size");
                    }
                    long allocated = prov == Provisioning.THICK ? r.getSizeBytes() : 0;
                    if (allocated > p.getFreeBytes()) {
                        throw fail(
                                Status.Code.RESOURCE_EXHAUSTED,
                                "pool " + p.getName() + " has " + Sizes.format(p.getFreeBytes()) + " free; a thick "
                                        + Sizes.format(allocated) + " volume does not fit");
                    }
                    Volume v = Volume.newBuilder()
                            .setUuid(uuid(p.getName() + "/" + r.getName()))
                            .setName(r.getName())
                            .setPool(p.getName())
                            .setKind(Volume.Kind.VOLUME)
                            .setSizeBytes(r.getSizeBytes())
                            .setAllocatedBytes(allocated)
                            .setProvisioning(prov)
                            .putAllXattrs(r.getXattrsMap())
                            .setCreatedAt(now())
                            .build();
                    put(v, allocated, +1, 0);
                    return v;
                }
            });
        }

        @Override
        public void deleteVolume(DeleteVolumeRequest r, StreamObserver<DeleteVolumeResponse> out) {
            answer(out, () -> {
                synchronized (FakeDataplane.this) {
                    Volume v = volumes.get(r.getUuid());
                    if (v == null) {
                        if (r.getAllowMissing()) {
                            return DeleteVolumeResponse.getDefaultInstance();
                        }
                        throw fail(Status.Code.NOT_FOUND, "no volume " + r.getUuid());
                    }
                    if (exports.containsKey(v.getUuid())) {
                        throw fail(
                                Status.Code.FAILED_PRECONDITION,
                                "volume " + v.getName() + " is published; unpublish it first");
                    }
                    List<String> clones = volumes.values().stream()
                            .filter(c -> c.getKind() == Volume.Kind.CLONE
                                    && c.getParentUuid().equals(v.getUuid()))
                            .map(Volume::getName)
                            .toList();
                    if (!clones.isEmpty()) {
                        throw fail(
                                Status.Code.FAILED_PRECONDITION,
                                "snapshot " + v.getName() + " has clones " + clones + "; decouple them first");
                    }
                    volumes.remove(v.getUuid());
                    Pool p = pools.get(v.getPool());
                    pools.put(
                            p.getName(),
                            p.toBuilder()
                                    .setUsedBytes(p.getUsedBytes() - v.getAllocatedBytes())
                                    .setFreeBytes(p.getFreeBytes() + v.getAllocatedBytes())
                                    .setVolumeCount(p.getVolumeCount() - (v.getKind() == Volume.Kind.SNAPSHOT ? 0 : 1))
                                    .setSnapshotCount(
                                            p.getSnapshotCount() - (v.getKind() == Volume.Kind.SNAPSHOT ? 1 : 0))
                                    .build());
                    return DeleteVolumeResponse.getDefaultInstance();
                }
            });
        }

        @Override
        public void growVolume(GrowVolumeRequest r, StreamObserver<Volume> out) {
            answer(out, () -> {
                synchronized (FakeDataplane.this) {
                    Volume v = volume(r.getUuid());
                    if (r.getSizeBytes() < v.getSizeBytes()) {
                        throw fail(
                                Status.Code.OUT_OF_RANGE,
                                "volume " + v.getName() + " is " + Sizes.format(v.getSizeBytes())
                                        + "; volumes only grow");
                    }
                    Volume grown = v.toBuilder().setSizeBytes(r.getSizeBytes()).build();
                    volumes.put(grown.getUuid(), grown);
                    return grown;
                }
            });
        }

        @Override
        public void getVolume(GetVolumeRequest r, StreamObserver<Volume> out) {
            answer(out, () -> {
                synchronized (FakeDataplane.this) {
                    if (r.hasPoolAndName()) {
                        pool(r.getPoolAndName().getPool());
                        Volume v = byName(
                                r.getPoolAndName().getPool(), r.getPoolAndName().getName());
                        if (v == null) {
                            throw fail(
                                    Status.Code.NOT_FOUND,
                                    "pool " + r.getPoolAndName().getPool() + " has no volume named "
                                            + r.getPoolAndName().getName());
                        }
                        return v;
                    }
                    return volume(r.getUuid());
                }
            });
        }

        @Override
        public void listVolumes(ListVolumesRequest r, StreamObserver<ListVolumesResponse> out) {
            answer(out, () -> {
                synchronized (FakeDataplane.this) {
                    List<Volume> all = volumes.values().stream()
                            .filter(v -> r.getPool().isEmpty() || v.getPool().equals(r.getPool()))
                            .filter(v -> r.getKindsList().isEmpty()
                                    || r.getKindsList().contains(v.getKind()))
                            .toList();
                    int start = r.getPageToken().isEmpty() ? 0 : Integer.parseInt(r.getPageToken());
                    int size = r.getPageSize() == 0 ? defaultPageSize : r.getPageSize();
                    int end = Math.min(all.size(), start + size);
                    return ListVolumesResponse.newBuilder()
                            .addAllVolumes(all.subList(start, end))
                            .setNextPageToken(end < all.size() ? Integer.toString(end) : "")
                            .build();
                }
            });
        }

        @Override
        public void getVolumeStats(GetVolumeStatsRequest r, StreamObserver<VolumeStats> out) {
            answer(out, () -> {
                synchronized (FakeDataplane.this) {
                    Volume v = volume(r.getUuid());
                    return VolumeStats.newBuilder()
                            .setUuid(v.getUuid())
                            .setReadOps(1000)
                            .setReadBytes(4096L * 1000)
                            .setReadLatencyNanos(1000L * 85_000)
                            .setWriteOps(500)
                            .setWriteBytes(4096L * 500)
                            .setWriteLatencyNanos(500L * 120_000)
                            .setFlushOps(7)
                            .build();
                }
            });
        }

        @Override
        public void createSnapshot(CreateSnapshotRequest r, StreamObserver<Volume> out) {
            answer(out, () -> {
                synchronized (FakeDataplane.this) {
                    Volume source = volume(r.getSourceUuid());
                    name(r.getName());
                    Volume existing = byName(source.getPool(), r.getName());
                    if (existing != null) {
                        if (existing.getParentUuid().equals(source.getUuid())) {
                            return existing;
                        }
                        throw fail(Status.Code.ALREADY_EXISTS, "the name " + r.getName() + " is taken");
                    }
                    Volume snap = Volume.newBuilder()
                            .setUuid(uuid(source.getPool() + "/" + r.getName()))
                            .setName(r.getName())
                            .setPool(source.getPool())
                            .setKind(Volume.Kind.SNAPSHOT)
                            .setSizeBytes(source.getSizeBytes())
                            .setAllocatedBytes(source.getAllocatedBytes())
                            .setProvisioning(Provisioning.THIN)
                            .setParentUuid(source.getUuid())
                            .setReadOnly(true)
                            .putAllXattrs(r.getXattrsMap())
                            .setCreatedAt(now())
                            .build();
                    put(snap, 0, 0, +1);
                    return snap;
                }
            });
        }

        @Override
        public void createClone(CreateCloneRequest r, StreamObserver<Volume> out) {
            answer(out, () -> {
                synchronized (FakeDataplane.this) {
                    Volume snap = volume(r.getSnapshotUuid());
                    if (snap.getKind() != Volume.Kind.SNAPSHOT) {
                        throw fail(Status.Code.FAILED_PRECONDITION, snap.getName() + " is not a snapshot");
                    }
                    name(r.getName());
                    long size = r.getSizeBytes() == 0 ? snap.getSizeBytes() : r.getSizeBytes();
                    if (size < snap.getSizeBytes()) {
                        throw fail(Status.Code.OUT_OF_RANGE, "a clone cannot be smaller than its snapshot");
                    }
                    Volume existing = byName(snap.getPool(), r.getName());
                    if (existing != null) {
                        if (existing.getParentUuid().equals(snap.getUuid())) {
                            return existing;
                        }
                        throw fail(Status.Code.ALREADY_EXISTS, "the name " + r.getName() + " is taken");
                    }
                    Volume clone = Volume.newBuilder()
                            .setUuid(uuid(snap.getPool() + "/" + r.getName()))
                            .setName(r.getName())
                            .setPool(snap.getPool())
                            .setKind(Volume.Kind.CLONE)
                            .setSizeBytes(size)
                            .setProvisioning(Provisioning.THIN)
                            .setParentUuid(snap.getUuid())
                            .putAllXattrs(r.getXattrsMap())
                            .setCreatedAt(now())
                            .build();
                    put(clone, 0, +1, 0);
                    return clone;
                }
            });
        }

        @Override
        public void decoupleVolume(DecoupleVolumeRequest r, StreamObserver<Volume> out) {
            answer(out, () -> {
                synchronized (FakeDataplane.this) {
                    Volume v = volume(r.getUuid());
                    Volume alone = v.toBuilder().clearParentUuid().build();
                    volumes.put(alone.getUuid(), alone);
                    return alone;
                }
            });
        }
    }

    // --------------------------------------------------------------------------------- exports

    private final class Exports extends ExportServiceGrpc.ExportServiceImplBase {
        @Override
        public void publishVolume(PublishVolumeRequest r, StreamObserver<Export> out) {
            answer(out, () -> {
                synchronized (FakeDataplane.this) {
                    Volume v = volume(r.getVolumeUuid());
                    Export e = exports.get(v.getUuid());
                    if (e == null) {
                        e = Export.newBuilder()
                                .setVolumeUuid(v.getUuid())
                                .setSubsystemNqn("nqn.2026-11.io.peregrine:vol:" + v.getUuid())
                                .setNamespaceId(1)
                                .setNamespaceNguid(v.getUuid().replace("-", ""))
                                .setNamespaceUuid(v.getUuid())
                                .addListeners(TransportAddress.newBuilder()
                                        .setTrtype("tcp")
                                        .setAdrfam("ipv4")
                                        .setTraddr("127.0.0.1")
                                        .setTrsvcid("4420"))
                                .build();
                        volumes.put(
                                v.getUuid(),
                                v.toBuilder()
                                        .setSubsystemNqn(e.getSubsystemNqn())
                                        .build());
                    }
                    Export.Builder b = e.toBuilder().setAllowAnyHost(e.getAllowAnyHost() || r.getAllowAnyHost());
                    for (String host : r.getAllowedHostNqnsList()) {
                        if (!b.getAllowedHostNqnsList().contains(host)) {
                            b.addAllowedHostNqns(host);
                        }
                    }
                    Export published = b.build();
                    exports.put(v.getUuid(), published);
                    return published;
                }
            });
        }

        @Override
        public void unpublishVolume(UnpublishVolumeRequest r, StreamObserver<UnpublishVolumeResponse> out) {
            answer(out, () -> {
                synchronized (FakeDataplane.this) {
                    if (exports.remove(r.getVolumeUuid()) != null) {
                        Volume v = volumes.get(r.getVolumeUuid());
                        volumes.put(
                                v.getUuid(), v.toBuilder().clearSubsystemNqn().build());
                    }
                    return UnpublishVolumeResponse.getDefaultInstance();
                }
            });
        }

        @Override
        public void addHost(AddHostRequest r, StreamObserver<Export> out) {
            answer(out, () -> {
                synchronized (FakeDataplane.this) {
                    Export e = export(r.getVolumeUuid());
                    if (e.getAllowedHostNqnsList().contains(r.getHostNqn())) {
                        return e;
                    }
                    Export added =
                            e.toBuilder().addAllowedHostNqns(r.getHostNqn()).build();
                    exports.put(e.getVolumeUuid(), added);
                    return added;
                }
            });
        }

        @Override
        public void removeHost(RemoveHostRequest r, StreamObserver<Export> out) {
            answer(out, () -> {
                synchronized (FakeDataplane.this) {
                    Export e = export(r.getVolumeUuid());
                    List<String> hosts = new ArrayList<>(e.getAllowedHostNqnsList());
                    hosts.remove(r.getHostNqn());
                    Export removed = e.toBuilder()
                            .clearAllowedHostNqns()
                            .addAllAllowedHostNqns(hosts)
                            .build();
                    exports.put(e.getVolumeUuid(), removed);
                    return removed;
                }
            });
        }

        @Override
        public void getExport(GetExportRequest r, StreamObserver<Export> out) {
            answer(out, () -> {
                synchronized (FakeDataplane.this) {
                    return export(r.getVolumeUuid());
                }
            });
        }

        @Override
        public void listExports(ListExportsRequest r, StreamObserver<ListExportsResponse> out) {
            answer(out, () -> {
                synchronized (FakeDataplane.this) {
                    return ListExportsResponse.newBuilder()
                            .addAllExports(exports.values())
                            .build();
                }
            });
        }
    }

    // --------------------------------------------------------------------------------- helpers

    private static void name(String name) {
        if (!NAME.matcher(name).matches()) {
            throw fail(
                    Status.Code.INVALID_ARGUMENT,
                    "name '" + name + "' is not 1-63 characters of [A-Za-z0-9._-] starting with a letter or digit");
        }
    }

    /** Deterministic UUIDs, so golden outputs do not change between runs. */
    private static String uuid(String key) {
        return UUID.nameUUIDFromBytes(key.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString();
    }

    private static long capacity(String uri) {
        int at = uri.indexOf("size=");
        if (at < 0) {
            return 1L << 30;
        }
        int end = uri.indexOf('&', at);
        return Sizes.parse(uri.substring(at + 5, end < 0 ? uri.length() : end));
    }

    private Pool pool(String name) {
        Pool p = pools.get(name);
        if (p == null) {
            throw fail(Status.Code.NOT_FOUND, "no pool named " + name + "; ListPools shows the pools");
        }
        return p;
    }

    private Volume volume(String uuid) {
        Volume v = volumes.get(uuid);
        if (v == null) {
            throw fail(Status.Code.NOT_FOUND, "no volume with UUID " + uuid);
        }
        return v;
    }

    private Export export(String uuid) {
        volume(uuid);
        Export e = exports.get(uuid);
        if (e == null) {
            throw fail(Status.Code.NOT_FOUND, "volume " + uuid + " is not published");
        }
        return e;
    }

    private Volume byName(String pool, String name) {
        for (Volume v : volumes.values()) {
            if (v.getPool().equals(pool) && v.getName().equals(name)) {
                return v;
            }
        }
        return null;
    }

    private List<Volume> volumesOf(String pool) {
        return volumes.values().stream().filter(v -> v.getPool().equals(pool)).toList();
    }

    private void put(Volume v, long allocated, int volumeDelta, int snapshotDelta) {
        volumes.put(v.getUuid(), v);
        Pool p = pools.get(v.getPool());
        pools.put(
                p.getName(),
                p.toBuilder()
                        .setUsedBytes(p.getUsedBytes() + allocated)
                        .setFreeBytes(p.getFreeBytes() - allocated)
                        .setVolumeCount(p.getVolumeCount() + volumeDelta)
                        .setSnapshotCount(p.getSnapshotCount() + snapshotDelta)
                        .build());
    }
}
