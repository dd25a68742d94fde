package io.peregrine.operator.testing;

import io.grpc.BindableService;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.peregrine.dataplane.api.v1.CheckHealthRequest;
import io.peregrine.dataplane.api.v1.CheckPoolRequest;
import io.peregrine.dataplane.api.v1.CheckPoolResponse;
import io.peregrine.dataplane.api.v1.CreatePoolRequest;
import io.peregrine.dataplane.api.v1.CreateVolumeRequest;
import io.peregrine.dataplane.api.v1.DeleteVolumeRequest;
import io.peregrine.dataplane.api.v1.DeleteVolumeResponse;
import io.peregrine.dataplane.api.v1.DestroyPoolRequest;
import io.peregrine.dataplane.api.v1.DestroyPoolResponse;
import io.peregrine.dataplane.api.v1.Device;
import io.peregrine.dataplane.api.v1.DeviceHealth;
import io.peregrine.dataplane.api.v1.DmaMemory;
import io.peregrine.dataplane.api.v1.ExportPoolRequest;
import io.peregrine.dataplane.api.v1.ExportPoolResponse;
import io.peregrine.dataplane.api.v1.GetNodeInfoRequest;
import io.peregrine.dataplane.api.v1.GetPoolRequest;
import io.peregrine.dataplane.api.v1.Health;
import io.peregrine.dataplane.api.v1.HealthCheck;
import io.peregrine.dataplane.api.v1.ImportPoolRequest;
import io.peregrine.dataplane.api.v1.ListPoolsRequest;
import io.peregrine.dataplane.api.v1.ListPoolsResponse;
import io.peregrine.dataplane.api.v1.ListVolumesRequest;
import io.peregrine.dataplane.api.v1.ListVolumesResponse;
import io.peregrine.dataplane.api.v1.NodeInfo;
import io.peregrine.dataplane.api.v1.NodeServiceGrpc;
import io.peregrine.dataplane.api.v1.Pool;
import io.peregrine.dataplane.api.v1.PoolServiceGrpc;
import io.peregrine.dataplane.api.v1.Reactor;
import io.peregrine.dataplane.api.v1.TransportAddress;
import io.peregrine.dataplane.api.v1.Volume;
import io.peregrine.dataplane.api.v1.VolumeServiceGrpc;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A test double of one dataplane's management API — test code only, never a production path.
 * It keeps pools and volumes in memory with the API's idempotency rules and status codes
 * (dataplane.proto header), so the operator can be driven through every branch it takes against
 * a real daemon. Devices outlive {@link #restart()}: a store written on a device stays there,
 * and a restart unloads every pool, as a daemon that does not import on start would.
 *
 * <p>Covers NodeService, PoolService and the volume calls the tests need (create, delete, list);
 * the rest answer UNIMPLEMENTED.
 */
public final class DataplaneDouble {

    static final long GIB = 1L << 30;
    private static final long DEFAULT_CLUSTER = 4L << 20;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private final String nodeName;
    private final String hostNqn;
    private final Map<String, DeviceState> devices = new LinkedHashMap<>();
    private final Map<String, PoolState> loaded = new LinkedHashMap<>();
    private final Deque<Status> injectedPoolFailures = new ArrayDeque<>();
    private Health.Status health = Health.Status.SERVING;

    private static final class DeviceState {
        final String uri;
        final long size;
        StoreState store; // what is written on the device; survives restarts

        DeviceState(String uri, long size) {
            this.uri = uri;
            this.size = size;
        }
    }

    private static final class StoreState {
        final String name;
        final String uuid = UUID.randomUUID().toString();
        final long clusterSize;
        final Map<String, Volume> volumes = new LinkedHashMap<>();

        StoreState(String name, long clusterSize) {
            this.name = name;
            this.clusterSize = clusterSize;
        }
    }

    private record PoolState(DeviceState device, StoreState store) {}

    public DataplaneDouble(String nodeName) {
        this.nodeName = nodeName;
        this.hostNqn = "nqn.2014-08.org.nvmexpress:uuid:" + UUID.nameUUIDFromBytes(nodeName.getBytes());
    }

    /** Adds an empty device; its URI is what DiskPools name. */
    public synchronized void addDevice(String uri, long sizeBytes) {
        devices.put(uri, new DeviceState(uri, sizeBytes));
    }

    /** A daemon restart: every pool unloaded, every store still on its device. */
    public synchronized void restart() {
        loaded.clear();
    }

    /** The next PoolService calls fail with these statuses, one each. */
    public synchronized void failNextPoolCalls(Status... statuses) {
        injectedPoolFailures.addAll(List.of(statuses));
    }

    public synchronized void health(Health.Status status) {
        this.health = status;
    }

    public synchronized List<String> loadedPools() {
        return List.copyOf(loaded.keySet());
    }

    /** The name of the store on a device, loaded or not. */
    public synchronized String storeOn(String uri) {
        DeviceState d = devices.get(uri);
        return d == null || d.store == null ? null : d.store.name;
    }

    public List<BindableService> services() {
        return List.of(new Nodes(), new Pools(), new Volumes());
    }

    // --------------------------------------------------------------------------------- node

    private synchronized NodeInfo nodeInfo() {
        NodeInfo.Builder b = NodeInfo.newBuilder()
                .setNodeName(nodeName)
                .setVersion("0.1.0-test")
                .setHostNqn(hostNqn)
                .addListeners(TransportAddress.newBuilder()
                        .setTrtype("tcp")
                        .setAdrfam("ipv4")
                        .setTraddr("10.0.0." + (Math.abs(nodeName.hashCode()) % 250 + 1))
                        .setTrsvcid("4420"))
                .addReactors(Reactor.newBuilder().setId(0).setCore(2).setState(Reactor.State.PARKED))
                .addReactors(Reactor.newBuilder().setId(1).setCore(3).setState(Reactor.State.PARKED))
                .setDmaMemory(DmaMemory.newBuilder()
                        .setHugepageSizeBytes(2L << 20)
                        .setHugepagesTotal(64)
                        .setHugepagesFree(60)
                        .setPoolBytes(128L << 20));
        int i = 0;
        for (DeviceState d : devices.values()) {
            b.addDevices(Device.newBuilder()
                    .setUri(d.uri)
                    .setKind(d.uri.startsWith("pcie://") ? Device.Kind.NVME_PCIE : Device.Kind.URING)
                    .setModel("QEMU NVMe Ctrl")
                    .setSerial(nodeName + "-" + i++)
                    .setFirmware("8.2")
                    .setSizeBytes(d.size)
                    .setBlockSize(4096)
                    .setPool(d.store == null ? "" : d.store.name)
                    .setHealth(DeviceHealth.newBuilder().setTemperatureKelvin(310)));
        }
        return b.build();
    }

    private synchronized Health checkHealth() {
        Health.Builder h = Health.newBuilder().setStatus(health);
        h.addChecks(HealthCheck.newBuilder()
                .setName("target")
                .setOk(health != Health.Status.NOT_SERVING)
                .setMessage(health == Health.Status.NOT_SERVING ? "listener not bound" : ""));
        return h.build();
    }

    // -------------------------------------------------------------------------------- pools

    private void injectedFailure() {
        Status s = injectedPoolFailures.poll();
        if (s != null) {
            throw s.asRuntimeException();
        }
    }

    private synchronized Pool createPool(CreatePoolRequest req) {
        injectedFailure();
        checkName(req.getName());
        long cluster = req.getClusterSizeBytes() == 0 ? DEFAULT_CLUSTER : req.getClusterSizeBytes();
        if (Long.bitCount(cluster) != 1 || cluster < (1L << 20) || cluster > (256L << 20)) {
            throw invalid("cluster_size_bytes " + cluster + " is not a power of two from 1 MiB to 256 MiB");
        }
        DeviceState device = device(req.getDiskUri());
        PoolState existing = loaded.get(req.getName());
        if (existing != null) {
            if (existing.device == device) {
                return pool(existing); // idempotent: same name, same device
            }
            throw Status.ALREADY_EXISTS
                    .withDescription("pool " + req.getName() + " exists on " + existing.device.uri)
                    .asRuntimeException();
        }
        if (device.store != null) {
            throw Status.FAILED_PRECONDITION
                    .withDescription(device.uri + " holds pool " + device.store.name + "; import it or destroy it")
                    .asRuntimeException();
        }
        device.store = new StoreState(req.getName(), cluster);
        PoolState p = new PoolState(device, device.store);
        loaded.put(req.getName(), p);
        return pool(p);
    }

    private synchronized Pool importPool(ImportPoolRequest req) {
        injectedFailure();
        DeviceState device = device(req.getDiskUri());
        if (device.store == null) {
            throw Status.FAILED_PRECONDITION
                    .withDescription(device.uri + " holds no pool")
                    .asRuntimeException();
        }
        String name = device.store.name;
        if (!req.getExpectedName().isEmpty() && !req.getExpectedName().equals(name)) {
            throw Status.FAILED_PRECONDITION
                    .withDescription(device.uri + " holds pool " + name + ", not " + req.getExpectedName())
                    .asRuntimeException();
        }
        PoolState existing = loaded.get(name);
        if (existing != null) {
            if (existing.device == device) {
                return pool(existing);
            }
            throw Status.ALREADY_EXISTS
                    .withDescription("pool " + name + " is loaded from " + existing.device.uri)
                    .asRuntimeException();
        }
        PoolState p = new PoolState(device, device.store);
        loaded.put(name, p);
        return pool(p);
    }

    private synchronized void exportPool(ExportPoolRequest req) {
        injectedFailure();
        if (loaded.remove(req.getName()) == null) {
            throw Status.NOT_FOUND.withDescription("no pool " + req.getName()).asRuntimeException();
        }
    }

    private synchronized void destroyPool(DestroyPoolRequest req) {
        injectedFailure();
        PoolState p = loaded.get(req.getName());
        if (p == null) {
            if (req.getAllowMissing()) {
                return;
            }
            throw Status.NOT_FOUND.withDescription("no pool " + req.getName()).asRuntimeException();
        }
        if (!p.store.volumes.isEmpty() && !req.getForce()) {
            throw Status.FAILED_PRECONDITION
                    .withDescription("pool " + req.getName() + " holds " + p.store.volumes.size() + " volume(s)")
                    .asRuntimeException();
        }
        loaded.remove(req.getName());
        p.device.store = null;
    }

    private synchronized Pool getPool(GetPoolRequest req) {
        injectedFailure();
        PoolState p = loaded.get(req.getName());
        if (p == null) {
            throw Status.NOT_FOUND.withDescription("no pool " + req.getName()).asRuntimeException();
        }
        return pool(p);
    }

    private synchronized ListPoolsResponse listPools() {
        injectedFailure();
        ListPoolsResponse.Builder b = ListPoolsResponse.newBuilder();
        loaded.values().forEach(p -> b.addPools(pool(p)));
        return b.build();
    }

    private Pool pool(PoolState p) {
        long capacity = (p.device.size / p.store.clusterSize - 1) * p.store.clusterSize;
        long used = p.store.volumes.values().stream()
                .mapToLong(Volume::getAllocatedBytes)
                .sum();
        int snapshots = (int) p.store.volumes.values().stream()
                .filter(v -> v.getKind() == Volume.Kind.SNAPSHOT)
                .count();
        return Pool.newBuilder()
                .setName(p.store.name)
                .setUuid(p.store.uuid)
                .setDiskUri(p.device.uri)
                .setState(Pool.State.ONLINE)
                .setCapacityBytes(capacity)
                .setUsedBytes(used)
                .setFreeBytes(capacity - used)
                .setClusterSizeBytes(p.store.clusterSize)
                .setVolumeCount(p.store.volumes.size() - snapshots)
                .setSnapshotCount(snapshots)
                .setFormatVersion(1)
                .build();
    }

    private DeviceState device(String uri) {
        DeviceState d = devices.get(uri);
        if (d == null) {
            throw Status.NOT_FOUND.withDescription("no device " + uri).asRuntimeException();
        }
        return d;
    }

    // ------------------------------------------------------------------------------ volumes

    private synchronized Volume createVolume(CreateVolumeRequest req) {
        checkName(req.getName());
        PoolState p = loaded.get(req.getPool());
        if (p == null) {
            throw Status.NOT_FOUND.withDescription("no pool " + req.getPool()).asRuntimeException();
        }
        Volume existing = p.store.volumes.get(req.getName());
        if (existing != null) {
            if (existing.getSizeBytes() == req.getSizeBytes()) {
                return existing;
            }
            throw Status.ALREADY_EXISTS
                    .withDescription("volume " + req.getName() + " exists with another size")
                    .asRuntimeException();
        }
        Volume v = Volume.newBuilder()
                .setUuid(UUID.randomUUID().toString())
                .setName(req.getName())
                .setPool(req.getPool())
                .setKind(Volume.Kind.VOLUME)
                .setSizeBytes(req.getSizeBytes())
                .setAllocatedBytes(p.store.clusterSize)
                .putAllXattrs(req.getXattrsMap())
                .build();
        p.store.volumes.put(req.getName(), v);
        return v;
    }

    private synchronized void deleteVolume(DeleteVolumeRequest req) {
        for (PoolState p : loaded.values()) {
            if (p.store.volumes.values().removeIf(v -> v.getUuid().equals(req.getUuid()))) {
                return;
            }
        }
        if (!req.getAllowMissing()) {
            throw Status.NOT_FOUND.withDescription("no volume " + req.getUuid()).asRuntimeException();
        }
    }

    private synchronized ListVolumesResponse listVolumes(ListVolumesRequest req) {
        ListVolumesResponse.Builder b = ListVolumesResponse.newBuilder();
        loaded.values().stream()
                .filter(p -> req.getPool().isEmpty() || p.store.name.equals(req.getPool()))
                .forEach(p -> b.addAllVolumes(new ArrayList<>(p.store.volumes.values())));
        return b.build();
    }

    private static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw invalid("name '" + name + "' is not 1-63 characters of [A-Za-z0-9._-]");
        }
    }

    private static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }

    private static <T> void answer(StreamObserver<T> out, Supplier<T> call) {
        T value;
        try {
            value = call.get();
        } catch (StatusRuntimeException e) {
            out.onError(e);
            return;
        }
        out.onNext(value);
        out.onCompleted();
    }

    // ----------------------------------------------------------------------- gRPC bindings

    private final class Nodes extends NodeServiceGrpc.NodeServiceImplBase {
        @Override
        public void getNodeInfo(GetNodeInfoRequest request, StreamObserver<NodeInfo> out) {
            answer(out, DataplaneDouble.this::nodeInfo);
        }

        @Override
        public void checkHealth(CheckHealthRequest request, StreamObserver<Health> out) {
            answer(out, DataplaneDouble.this::checkHealth);
        }
    }

    private final class Pools extends PoolServiceGrpc.PoolServiceImplBase {
        @Override
        public void createPool(CreatePoolRequest request, StreamObserver<Pool> out) {
            answer(out, () -> DataplaneDouble.this.createPool(request));
        }

        @Override
        public void importPool(ImportPoolRequest request, StreamObserver<Pool> out) {
            answer(out, () -> DataplaneDouble.this.importPool(request));
        }

        @Override
        public void exportPool(ExportPoolRequest request, StreamObserver<ExportPoolResponse> out) {
            answer(out, () -> {
                DataplaneDouble.this.exportPool(request);
                return ExportPoolResponse.getDefaultInstance();
            });
        }

        @Override
        public void destroyPool(DestroyPoolRequest request, StreamObserver<DestroyPoolResponse> out) {
            answer(out, () -> {
                DataplaneDouble.this.destroyPool(request);
                return DestroyPoolResponse.getDefaultInstance();
            });
        }

        @Override
        public void getPool(GetPoolRequest request, StreamObserver<Pool> out) {
            answer(out, () -> DataplaneDouble.this.getPool(request));
        }

        @Override
        public void listPools(ListPoolsRequest request, StreamObserver<ListPoolsResponse> out) {
            answer(out, DataplaneDouble.this::listPools);
        }

        @Override
        public void checkPool(CheckPoolRequest request, StreamObserver<CheckPoolResponse> out) {
            answer(out, () -> CheckPoolResponse.newBuilder().setClean(true).build());
        }
    }

    private final class Volumes extends VolumeServiceGrpc.VolumeServiceImplBase {
        @Override
        public void createVolume(CreateVolumeRequest request, StreamObserver<Volume> out) {
            answer(out, () -> DataplaneDouble.this.createVolume(request));
        }

        @Override
        public void deleteVolume(DeleteVolumeRequest request, StreamObserver<DeleteVolumeResponse> out) {
            answer(out, () -> {
                DataplaneDouble.this.deleteVolume(request);
                return DeleteVolumeResponse.getDefaultInstance();
            });
        }

        @Override
        public void listVolumes(ListVolumesRequest request, StreamObserver<ListVolumesResponse> out) {
            answer(out, () -> DataplaneDouble.this.listVolumes(request));
        }
    }
}
