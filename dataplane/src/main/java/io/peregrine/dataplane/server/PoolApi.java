package io.peregrine.dataplane.server;

import io.grpc.stub.StreamObserver;
import io.peregrine.dataplane.api.v1.CheckPoolRequest;
import io.peregrine.dataplane.api.v1.CheckPoolResponse;
import io.peregrine.dataplane.api.v1.CheckProblem;
import io.peregrine.dataplane.api.v1.CreatePoolRequest;
import io.peregrine.dataplane.api.v1.DestroyPoolRequest;
import io.peregrine.dataplane.api.v1.DestroyPoolResponse;
import io.peregrine.dataplane.api.v1.ExportPoolRequest;
import io.peregrine.dataplane.api.v1.ExportPoolResponse;
import io.peregrine.dataplane.api.v1.GetPoolRequest;
import io.peregrine.dataplane.api.v1.ImportPoolRequest;
import io.peregrine.dataplane.api.v1.ListPoolsRequest;
import io.peregrine.dataplane.api.v1.ListPoolsResponse;
import io.peregrine.dataplane.api.v1.Pool;
import io.peregrine.dataplane.api.v1.PoolServiceGrpc;
import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.bdev.BdevException;
import io.peregrine.dataplane.bdev.BdevSpec;
import io.peregrine.dataplane.bdev.BdevUri;
import io.peregrine.dataplane.bdev.Bdevs;
import io.peregrine.dataplane.bdev.InvalidBdevUriException;
import io.peregrine.dataplane.bdev.OpenMode;
import io.peregrine.dataplane.check.PoolChecker;
import io.peregrine.dataplane.node.DataplaneException;
import io.peregrine.dataplane.node.DeviceIdentity;
import io.peregrine.dataplane.node.EngineCalls;
import io.peregrine.dataplane.node.Node;
import io.peregrine.dataplane.node.PoolEntry;

/** PoolService: create, import, export, destroy, list and check pools. */
final class PoolApi extends PoolServiceGrpc.PoolServiceImplBase {
    private final Node node;

    PoolApi(Node node) {
        this.node = node;
    }

    @Override
    public void createPool(CreatePoolRequest r, StreamObserver<Pool> out) {
        Rpc.answer(out, () -> Protos.pool(node.pools().create(r.getName(), r.getDiskUri(), r.getClusterSizeBytes())));
    }

    @Override
    public void importPool(ImportPoolRequest r, StreamObserver<Pool> out) {
        Rpc.answer(out, () -> Protos.pool(node.pools().importPool(r.getDiskUri(), r.getExpectedName())));
    }

    @Override
    public void exportPool(ExportPoolRequest r, StreamObserver<ExportPoolResponse> out) {
        Rpc.answer(out, () -> {
            node.pools().export(Rpc.required("name", r.getName()), r.getForce());
            return ExportPoolResponse.getDefaultInstance();
        });
    }

    @Override
    public void destroyPool(DestroyPoolRequest r, StreamObserver<DestroyPoolResponse> out) {
        Rpc.answer(out, () -> {
            node.pools().destroy(Rpc.required("name", r.getName()), r.getForce(), r.getAllowMissing());
            return DestroyPoolResponse.getDefaultInstance();
        });
    }

    @Override
    public void getPool(GetPoolRequest r, StreamObserver<Pool> out) {
        Rpc.answer(out, () -> Protos.pool(node.pools().get(Rpc.required("name", r.getName()))));
    }

    @Override
    public void listPools(ListPoolsRequest r, StreamObserver<ListPoolsResponse> out) {
        Rpc.answer(out, () -> {
            ListPoolsResponse.Builder b = ListPoolsResponse.newBuilder();
            for (PoolEntry p : node.pools().list()) {
                b.addPools(Protos.pool(p));
            }
            return b.build();
        });
    }

    @Override
    public void checkPool(CheckPoolRequest r, StreamObserver<CheckPoolResponse> out) {
        Rpc.answer(out, () -> switch (r.getTargetCase()) {
            case NAME -> checkLoaded(node.pools().get(r.getName()));
            case DISK_URI -> checkDevice(r.getDiskUri());
            case TARGET_NOT_SET -> throw DataplaneException.invalid("give the pool's name or its disk_uri");
        });
    }

    /**
     * A loaded pool, as written on its device, checked under the pool's lock (no management call
     * changes it meanwhile). I/O that allocates clusters may still append to its log; what the
     * check reads is then a consistent prefix.
     */
    private CheckPoolResponse checkLoaded(PoolEntry p) {
        p.store(); // UNAVAILABLE when the pool is not loaded
        return p.locked(() -> report(EngineCalls.await(checkOnMd(p.bdev()))));
    }

    private CheckPoolResponse checkDevice(String uri) {
        BdevSpec spec;
        try {
            spec = BdevUri.parse(uri);
        } catch (InvalidBdevUriException e) {
            throw DataplaneException.invalid(e.getMessage());
        }
        PoolEntry loaded = node.pools().onDevice(DeviceIdentity.of(spec));
        if (loaded != null && loaded.loaded()) {
            throw DataplaneException.precondition(
                    uri + " holds pool " + loaded.name() + ", loaded on this node: check it by name");
        }
        String missing = DeviceIdentity.missing(spec);
        if (missing != null) {
            throw DataplaneException.notFound(missing);
        }
        Bdev bdev;
        try {
            bdev = Bdevs.open(spec, OpenMode.READ_ONLY);
        } catch (BdevException e) {
            throw DataplaneException.precondition(e.getMessage());
        }
        try {
            return report(EngineCalls.await(checkOnMd(bdev)));
        } finally {
            try {
                bdev.close();
            } catch (BdevException e) {
                // read-only: nothing to lose
            }
        }
    }

    /** Runs the checker on the metadata reactor (it may be called from any thread). */
    private java.util.concurrent.CompletableFuture<PoolChecker.Report> checkOnMd(Bdev bdev) {
        return PoolChecker.check(bdev, node.metadataReactor().core());
    }

    private static CheckPoolResponse report(PoolChecker.Report report) {
        CheckPoolResponse.Builder b =
                CheckPoolResponse.newBuilder().setClean(report.problems().isEmpty());
        for (String n : report.notes()) {
            b.addProblems(CheckProblem.newBuilder()
                    .setSeverity(CheckProblem.Severity.WARNING)
                    .setMessage(n));
        }
        for (String p : report.problems()) {
            b.addProblems(CheckProblem.newBuilder()
                    .setSeverity(CheckProblem.Severity.ERROR)
                    .setMessage(p));
        }
        if (report.inspection() != null) {
            b.setClustersTotal(report.inspection().sb().clusterCount());
            b.setClustersUsed(report.inspection().stats().ownedClusters());
            // the allocation map is rebuilt from the ownership records on every load: nothing can leak
            b.setClustersLeaked(0);
        }
        return b.build();
    }
}
