package io.peregrine.csi.testing;

import com.google.protobuf.Timestamp;
import io.grpc.BindableService;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.peregrine.dataplane.api.v1.AddHostRequest;
import io.peregrine.dataplane.api.v1.CheckHealthRequest;
import io.peregrine.dataplane.api.v1.CreateCloneRequest;
import io.peregrine.dataplane.api.v1.CreateSnapshotRequest;
import io.peregrine.dataplane.api.v1.CreateVolumeRequest;
import io.peregrine.dataplane.api.v1.DecoupleVolumeRequest;
import io.peregrine.dataplane.api.v1.DeleteVolumeRequest;
import io.peregrine.dataplane.api.v1.DeleteVolumeResponse;
import io.peregrine.dataplane.api.v1.Export;
import io.peregrine.dataplane.api.v1.ExportServiceGrpc;
import io.peregrine.dataplane.api.v1.GetExportRequest;
import io.peregrine.dataplane.api.v1.GetNodeInfoRequest;
import io.peregrine.dataplane.api.v1.GetVolumeRequest;
import io.peregrine.dataplane.api.v1.GrowVolumeRequest;
import io.peregrine.dataplane.api.v1.Health;
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
import io.peregrine.dataplane.api.v1.RemoveHostRequest;
import io.peregrine.dataplane.api.v1.TransportAddress;
import io.peregrine.dataplane.api.v1.UnpublishVolumeRequest;
import io.peregrine.dataplane.api.v1.UnpublishVolumeResponse;
import io.peregrine.dataplane.api.v1.Volume;
import io.peregrine.dataplane.api.v1.VolumeServiceGrpc;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * An in-memory dataplane speaking peregrine.dataplane.v1 with the semantics its proto header
 * promises (idempotency by name and UUID, the status codes, paging), for the controller's
 * tests only. It stores no data -- capacity accounting is what matters here -- and can be made
 * unreachable or slow to exercise the controller's error paths. Tests only: production code
 * has no fake path.
 */
public final class TestDataplane {

    private final String nodeName;
    private final Map<String, Pool> pools = new LinkedHashMap<>();
    private final Map<String, Volume> volumes = new LinkedHashMap<>();
    private final Map<String, Export> exports = new LinkedHashMap<>();
    private final List<TransportAddress> listeners = new ArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();
    private volatile boolean unreachable;
    private volatile Health.Status health = Health.Status.SERVING;
    private volatile CountDownLatch gate;
    private volatile long clock = 1_700_000_000L;

    public TestDataplane(String nodeName) {
        this.nodeName = nodeName;
        listeners.add(TransportAddress.newBuilder()
                .setTrtype("tcp")
                .setAdrfam("ipv4")
                .setTraddr("0.0.0.0")
                .setTrsvcid("4420")
                .build());
    }

    // -------------------------------------------------------------------------- test knobs

    /** Adds an ONLINE pool. */
    public synchronized TestDataplane pool(String name, long capacityBytes, long clusterBytes) {
        pools.put(
                name,
                Pool.newBuilder()
                        .setName(name)
                        .setUuid(UUID.randomUUID().toString())
                        .setDiskUri("malloc://?size=" + capacityBytes)
                        .setState(Pool.State.ONLINE)
                        .setCapacityBytes(capacityBytes)
                        .setFreeBytes(capacityBytes)
                        .setClusterSizeBytes(clusterBytes)
                        .setFormatVersion(1)
                        .build());
        return this;
    }

    public synchronized void poolState(String name, Pool.State state, String message) {
        pools.put(
                name,
                pools.get(name).toBuilder().setState(state).setMessage(message).build());
    }

    public synchronized void listeners(List<TransportAddress> addresses) {
        listeners.clear();
        listeners.addAll(addresses);
    }

    /** Every call fails with UNAVAILABLE, as if the daemon were down. */
    public void unreachable(boolean down) {
        this.unreachable = down;
    }

    public void health(Health.Status status) {
        this.health = status;
    }

    /** Mutating calls wait until the returned latch is counted down (to hold one in flight). */
    public CountDownLatch holdMutations() {
        CountDownLatch latch = new CountDownLatch(1);
        this.gate = latch;
        return latch;
    }

    public synchronized List<Volume> volumes() {
        return List.copyOf(volumes.values());
    }

    public synchronized Map<String, Export> exports() {
        return Map.copyOf(exports);
    }

    public int calls() {
        return calls.get();
    }

    public String nodeName() {
        return nodeName;
    }

    /** The four services, to add to a server. */
    public List<BindableService> services() {
        return List.of(new Nodes(), new Pools(), new Volumes(), new Exports());
    }

    // ---------------------------------------------------------------------------- services

    private final class Nodes extends NodeServiceGrpc.NodeServiceImplBase {
        @Override
        public void getNodeInfo(GetNodeInfoRequest request, StreamObserver<NodeInfo> response) {
            answer(
                    response,
                    false,
                    () -> NodeInfo.newBuilder()
                            .setNodeName(nodeName)
                            .setVersion("test")
                            .addAllListeners(listeners)
                            .build());
        }

        @Override
        public void checkHealth(CheckHealthRequest request, StreamObserver<Health> response) {
            answer(response, false, () -> Health.newBuilder().setStatus(health).build());
        }
    }

    private final class Pools extends PoolServiceGrpc.PoolServiceImplBase {
        @Override
        public void listPools(ListPoolsRequest request, StreamObserver<ListPoolsResponse> response) {
            answer(
                    response,
                    false,
                    () -> ListPoolsResponse.newBuilder()
                            .addAllPools(pools.values())
                            .build());
        }
    }

    private final class Volumes extends VolumeServiceGrpc.VolumeServiceImplBase {
        @Override
        public void createVolume(CreateVolumeRequest request, StreamObserver<Volume> response) {
            answer(response, true, () -> {
                Pool pool = pool(request.getPool());
                Provisioning provisioning =
                        request.getProvisioning() == Provisioning.THICK ? Provisioning.THICK : Provisioning.THIN;
                long size = roundUp(request.getSizeBytes(), pool.getClusterSizeBytes());
                if (size <= 0)
                    throw Status.INVALID_ARGUMENT
                            .withDescription("size must be positive")
                            .asRuntimeException();
                Volume existing = byName(pool.getName(), request.getName());
                if (existing != null) {
                    if (existing.getKind() == Volume.Kind.VOLUME
                            && existing.getSizeBytes() == size
                            && existing.getProvisioning() == provisioning) {
                        return existing;
                    }
                    throw Status.ALREADY_EXISTS
                            .withDescription("volume " + request.getName() + " exists with other " + "parameters")
                            .asRuntimeException();
                }
                long allocate = provisioning == Provisioning.THICK ? size : 0;
                reserve(pool, allocate);
                return store(Volume.newBuilder()
                        .setUuid(UUID.randomUUID().toString())
                        .setName(request.getName())
                        .setPool(pool.getName())
                        .setKind(Volume.Kind.VOLUME)
                        .setSizeBytes(size)
                        .setAllocatedBytes(allocate)
                        .setProvisioning(provisioning)
                        .putAllXattrs(request.getXattrsMap())
                        .setCreatedAt(now())
                        .build());
            });
        }

        @Override
        public void deleteVolume(DeleteVolumeRequest request, StreamObserver<DeleteVolumeResponse> response) {
            answer(response, true, () -> {
                Volume v = volumes.get(request.getUuid());
                if (v == null) {
                    if (request.getAllowMissing()) return DeleteVolumeResponse.getDefaultInstance();
                    throw Status.NOT_FOUND
                            .withDescription("no volume " + request.getUuid())
                            .asRuntimeException();
                }
                if (exports.containsKey(v.getUuid())) {
                    throw Status.FAILED_PRECONDITION
                            .withDescription("volume " + v.getUuid() + " is published")
                            .asRuntimeException();
                }
                if (volumes.values().stream()
                        .anyMatch(c -> c.getParentUuid().equals(v.getUuid()) && c.getKind() == Volume.Kind.CLONE)) {
                    throw Status.FAILED_PRECONDITION
                            .withDescription("snapshot " + v.getUuid() + " has clones; " + "decouple them first")
                            .asRuntimeException();
                }
                volumes.remove(v.getUuid());
                release(pools.get(v.getPool()), v.getAllocatedBytes());
                return DeleteVolumeResponse.getDefaultInstance();
            });
        }

        @Override
        public void growVolume(GrowVolumeRequest request, StreamObserver<Volume> response) {
            answer(response, true, () -> {
                Volume v = volume(request.getUuid());
                Pool pool = pools.get(v.getPool());
                long size = roundUp(request.getSizeBytes(), pool.getClusterSizeBytes());
                if (size < v.getSizeBytes()) {
                    throw Status.OUT_OF_RANGE.withDescription("cannot shrink").asRuntimeException();
                }
                if (size == v.getSizeBytes()) return v;
                long more = v.getProvisioning() == Provisioning.THICK ? size - v.getSizeBytes() : 0;
                reserve(pool, more);
                return store(v.toBuilder()
                        .setSizeBytes(size)
                        .setAllocatedBytes(v.getAllocatedBytes() + more)
                        .build());
            });
        }

        @Override
        public void getVolume(GetVolumeRequest request, StreamObserver<Volume> response) {
            answer(response, false, () -> switch (request.getSelectorCase()) {
                case UUID -> volume(request.getUuid());
                case POOL_AND_NAME -> {
                    Volume v = byName(
                            request.getPoolAndName().getPool(),
                            request.getPoolAndName().getName());
                    if (v == null)
                        throw Status.NOT_FOUND.withDescription("no such volume").asRuntimeException();
                    yield v;
                }
                case SELECTOR_NOT_SET ->
                    throw Status.INVALID_ARGUMENT.withDescription("no selector").asRuntimeException();
            });
        }

        @Override
        public void listVolumes(ListVolumesRequest request, StreamObserver<ListVolumesResponse> response) {
            answer(response, false, () -> {
                List<Volume> matching = volumes.values().stream()
                        .filter(v -> request.getPool().isEmpty() || v.getPool().equals(request.getPool()))
                        .filter(v -> request.getKindsList().isEmpty()
                                || request.getKindsList().contains(v.getKind()))
                        .sorted(Comparator.comparing(Volume::getUuid))
                        .toList();
                int start = 0;
                if (!request.getPageToken().isEmpty()) {
                    String after = request.getPageToken();
                    if (!after.startsWith("after:")) {
                        throw Status.INVALID_ARGUMENT
                                .withDescription("bad page token")
                                .asRuntimeException();
                    }
                    String uuid = after.substring("after:".length());
                    while (start < matching.size()
                            && matching.get(start).getUuid().compareTo(uuid) <= 0) start++;
                }
                int size = request.getPageSize() == 0 ? 100 : request.getPageSize();
                int end = Math.min(matching.size(), start + size);
                ListVolumesResponse.Builder out =
                        ListVolumesResponse.newBuilder().addAllVolumes(matching.subList(start, end));
                if (end < matching.size())
                    out.setNextPageToken("after:" + matching.get(end - 1).getUuid());
                return out.build();
            });
        }

        @Override
        public void createSnapshot(CreateSnapshotRequest request, StreamObserver<Volume> response) {
            answer(response, true, () -> {
                Volume source = volume(request.getSourceUuid());
                Volume existing = byName(source.getPool(), request.getName());
                if (existing != null) {
                    if (existing.getKind() == Volume.Kind.SNAPSHOT
                            && existing.getParentUuid().equals(source.getUuid())) {
                        return existing;
                    }
                    throw Status.ALREADY_EXISTS.withDescription("name taken").asRuntimeException();
                }
                return store(Volume.newBuilder()
                        .setUuid(UUID.randomUUID().toString())
                        .setName(request.getName())
                        .setPool(source.getPool())
                        .setKind(Volume.Kind.SNAPSHOT)
                        .setSizeBytes(source.getSizeBytes())
                        .setProvisioning(Provisioning.THIN)
                        .setParentUuid(source.getUuid())
                        .setReadOnly(true)
                        .putAllXattrs(request.getXattrsMap())
                        .setCreatedAt(now())
                        .build());
            });
        }

        @Override
        public void createClone(CreateCloneRequest request, StreamObserver<Volume> response) {
            answer(response, true, () -> {
                Volume snapshot = volume(request.getSnapshotUuid());
                if (snapshot.getKind() != Volume.Kind.SNAPSHOT) {
                    throw Status.FAILED_PRECONDITION
                            .withDescription("not a snapshot")
                            .asRuntimeException();
                }
                long size = request.getSizeBytes() == 0 ? snapshot.getSizeBytes() : request.getSizeBytes();
                if (size < snapshot.getSizeBytes()) {
                    throw Status.OUT_OF_RANGE
                            .withDescription("clone smaller than its snapshot")
                            .asRuntimeException();
                }
                Volume existing = byName(snapshot.getPool(), request.getName());
                if (existing != null) {
                    if (existing.getKind() == Volume.Kind.CLONE
                            && existing.getParentUuid().equals(snapshot.getUuid())) {
                        return existing;
                    }
                    throw Status.ALREADY_EXISTS.withDescription("name taken").asRuntimeException();
                }
                return store(Volume.newBuilder()
                        .setUuid(UUID.randomUUID().toString())
                        .setName(request.getName())
                        .setPool(snapshot.getPool())
                        .setKind(Volume.Kind.CLONE)
                        .setSizeBytes(size)
                        .setProvisioning(Provisioning.THIN)
                        .setParentUuid(snapshot.getUuid())
                        .putAllXattrs(request.getXattrsMap())
                        .setCreatedAt(now())
                        .build());
            });
        }

        @Override
        public void decoupleVolume(DecoupleVolumeRequest request, StreamObserver<Volume> response) {
            answer(response, true, () -> {
                Volume v = volume(request.getUuid());
                if (v.getParentUuid().isEmpty() || v.getKind() != Volume.Kind.CLONE) return v;
                return store(v.toBuilder()
                        .setParentUuid("")
                        .setKind(Volume.Kind.VOLUME)
                        .build());
            });
        }
    }

    private final class Exports extends ExportServiceGrpc.ExportServiceImplBase {
        @Override
        public void publishVolume(PublishVolumeRequest request, StreamObserver<Export> response) {
            answer(response, true, () -> {
                Volume v = volume(request.getVolumeUuid());
                if (v.getKind() == Volume.Kind.SNAPSHOT) {
                    throw Status.FAILED_PRECONDITION
                            .withDescription("snapshots are not exported")
                            .asRuntimeException();
                }
                Export existing = exports.get(v.getUuid());
                Set<String> hosts =
                        new LinkedHashSet<>(existing == null ? List.of() : existing.getAllowedHostNqnsList());
                hosts.addAll(request.getAllowedHostNqnsList());
                Export export = Export.newBuilder()
                        .setVolumeUuid(v.getUuid())
                        .setSubsystemNqn("nqn.2026-11.io.peregrine:vol:" + v.getUuid())
                        .setNamespaceId(1)
                        .setNamespaceNguid(nguid(v.getUuid()))
                        .setNamespaceUuid(v.getUuid())
                        .addAllAllowedHostNqns(hosts)
                        .setAllowAnyHost(request.getAllowAnyHost() || (existing != null && existing.getAllowAnyHost()))
                        .addAllListeners(listeners)
                        .build();
                exports.put(v.getUuid(), export);
                return export;
            });
        }

        @Override
        public void unpublishVolume(UnpublishVolumeRequest request, StreamObserver<UnpublishVolumeResponse> response) {
            answer(response, true, () -> {
                exports.remove(request.getVolumeUuid());
                return UnpublishVolumeResponse.getDefaultInstance();
            });
        }

        @Override
        public void addHost(AddHostRequest request, StreamObserver<Export> response) {
            answer(response, true, () -> {
                Export e = export(request.getVolumeUuid());
                if (e.getAllowedHostNqnsList().contains(request.getHostNqn())) return e;
                Export updated =
                        e.toBuilder().addAllowedHostNqns(request.getHostNqn()).build();
                exports.put(e.getVolumeUuid(), updated);
                return updated;
            });
        }

        @Override
        public void removeHost(RemoveHostRequest request, StreamObserver<Export> response) {
            answer(response, true, () -> {
                Export e = export(request.getVolumeUuid());
                List<String> hosts = new ArrayList<>(e.getAllowedHostNqnsList());
                hosts.remove(request.getHostNqn());
                Export updated = e.toBuilder()
                        .clearAllowedHostNqns()
                        .addAllAllowedHostNqns(hosts)
                        .build();
                exports.put(e.getVolumeUuid(), updated);
                return updated;
            });
        }

        @Override
        public void getExport(GetExportRequest request, StreamObserver<Export> response) {
            answer(response, false, () -> export(request.getVolumeUuid()));
        }

        @Override
        public void listExports(ListExportsRequest request, StreamObserver<ListExportsResponse> response) {
            answer(
                    response,
                    false,
                    () -> ListExportsResponse.newBuilder()
                            .addAllExports(exports.values())
                            .build());
        }
    }

    // ------------------------------------------------------------------------------ helpers

    private <T> void answer(StreamObserver<T> response, boolean mutation, Supplier<T> body) {
        calls.incrementAndGet();
        if (unreachable) {
            response.onError(
                    Status.UNAVAILABLE.withDescription("connection refused").asRuntimeException());
            return;
        }
        CountDownLatch held = gate;
        if (mutation && held != null) {
            try {
                held.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        T result;
        synchronized (this) {
            try {
                result = body.get();
            } catch (StatusRuntimeException e) {
                response.onError(e);
                return;
            }
        }
        response.onNext(result);
        response.onCompleted();
    }

    private Pool pool(String name) {
        Pool pool = pools.get(name);
        if (pool == null)
            throw Status.NOT_FOUND.withDescription("no pool " + name).asRuntimeException();
        return pool;
    }

    private Volume volume(String uuid) {
        Volume v = volumes.get(uuid);
        if (v == null)
            throw Status.NOT_FOUND.withDescription("no volume " + uuid).asRuntimeException();
        return v;
    }

    private Export export(String uuid) {
        Export e = exports.get(uuid);
        if (e == null)
            throw Status.NOT_FOUND
                    .withDescription("volume " + uuid + " is not published")
                    .asRuntimeException();
        return e;
    }

    private Volume byName(String pool, String name) {
        return volumes.values().stream()
                .filter(v -> v.getPool().equals(pool) && v.getName().equals(name))
                .findFirst()
                .orElse(null);
    }

    private Volume store(Volume v) {
        volumes.put(v.getUuid(), v);
        Pool pool = pools.get(v.getPool());
        long snapshots = volumes.values().stream()
                .filter(x -> x.getPool().equals(pool.getName()) && x.getKind() == Volume.Kind.SNAPSHOT)
                .count();
        pools.put(
                pool.getName(),
                pool.toBuilder()
                        .setVolumeCount((int) (volumes.values().stream()
                                        .filter(x -> x.getPool().equals(pool.getName()))
                                        .count()
                                - snapshots))
                        .setSnapshotCount((int) snapshots)
                        .build());
        return v;
    }

    private void reserve(Pool pool, long bytes) {
        Pool current = pools.get(pool.getName());
        if (bytes > current.getFreeBytes()) {
            throw Status.RESOURCE_EXHAUSTED
                    .withDescription("pool " + pool.getName() + " has " + current.getFreeBytes() + " bytes free, "
                            + bytes + " needed")
                    .asRuntimeException();
        }
        pools.put(
                pool.getName(),
                current.toBuilder()
                        .setFreeBytes(current.getFreeBytes() - bytes)
                        .setUsedBytes(current.getUsedBytes() + bytes)
                        .build());
    }

    private void release(Pool pool, long bytes) {
        pools.put(
                pool.getName(),
                pool.toBuilder()
                        .setFreeBytes(pool.getFreeBytes() + bytes)
                        .setUsedBytes(pool.getUsedBytes() - bytes)
                        .build());
    }

    private Timestamp now() {
        return Timestamp.newBuilder().setSeconds(clock++).build();
    }

    private static long roundUp(long bytes, long unit) {
        return unit <= 0 ? bytes : Math.ceilDiv(bytes, unit) * unit;
    }

    private static String nguid(String uuid) {
        UUID u = UUID.fromString(uuid);
        ByteBuffer b = ByteBuffer.allocate(16);
        b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        return HexFormat.of().formatHex(b.array());
    }
}
