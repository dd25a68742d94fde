package io.peregrine.operator.pool;

import static io.peregrine.operator.crd.Condition.FALSE;
import static io.peregrine.operator.crd.Condition.TRUE;
import static io.peregrine.operator.crd.Condition.UNKNOWN;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peregrine.dataplane.api.v1.CreatePoolRequest;
import io.peregrine.dataplane.api.v1.DestroyPoolRequest;
import io.peregrine.dataplane.api.v1.ExportPoolRequest;
import io.peregrine.dataplane.api.v1.GetPoolRequest;
import io.peregrine.dataplane.api.v1.ImportPoolRequest;
import io.peregrine.dataplane.api.v1.Pool;
import io.peregrine.operator.crd.Condition;
import io.peregrine.operator.crd.Crds;
import io.peregrine.operator.crd.DeletionPolicy;
import io.peregrine.operator.crd.DiskPool;
import io.peregrine.operator.crd.DiskPoolPhase;
import io.peregrine.operator.crd.DiskPoolStatus;
import io.peregrine.operator.crd.NodeState;
import io.peregrine.operator.crd.StorageNode;
import io.peregrine.operator.dataplane.Dataplane;
import io.peregrine.operator.dataplane.DataplaneClients;
import io.peregrine.operator.dataplane.DataplaneConfigException;
import io.peregrine.operator.model.Bytes;
import io.peregrine.operator.model.ConditionTypes;
import io.peregrine.operator.model.Conditions;
import io.peregrine.operator.model.DesiredPool;
import io.peregrine.operator.model.DiskClaims;
import io.peregrine.operator.model.DiskUri;
import io.peregrine.operator.model.Reasons;
import io.peregrine.operator.reconcile.EventRecorder;
import io.peregrine.operator.reconcile.EventRecorder.Type;
import io.peregrine.operator.reconcile.Reconciler;
import io.peregrine.operator.reconcile.Result;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Brings one DiskPool to its spec, as a chain of named, idempotent steps (the Strimzi way):
 *
 * <ol>
 *   <li>{@link #checkSpec}: the spec can work (pure checks, {@link DesiredPool});
 *   <li>{@link #resolveNode}: its StorageNode exists, is Online and advertises a management endpoint;
 *   <li>{@link #checkDiskClaim}: no older DiskPool claims the same disk;
 *   <li>{@link #ensureFinalizer}: the finalizer is on before anything exists on the dataplane;
 *   <li>{@link #ensurePool}: the pool exists on the dataplane — found, created or imported;
 *   <li>{@link #observe}: phase, capacity and conditions from what the dataplane reports.
 * </ol>
 *
 * A step that cannot continue says why in the Ready condition and ends the chain. Deletion is
 * {@link #delete}: the finalizer stays while the pool holds volumes. Status is written only when
 * it changed, and each change of a condition is also an Event.
 *
 * <p>Safety rule: a pool that existed (status.uuid is set) is never created again. If the
 * dataplane lost it, the DiskPool reports {@code PoolGone}: re-creating an empty pool under the
 * same name would hide lost data from every volume that lived on it.
 */
public final class DiskPoolReconciler implements Reconciler {

    private final KubernetesClient client;
    private final Indexer<DiskPool> pools;
    private final Indexer<StorageNode> nodes;
    private final DataplaneClients dataplanes;
    private final EventRecorder events;
    private final Clock clock;
    private final Duration refresh;

    /** @param refresh how often an existing pool's capacity and volume count are read again */
    public DiskPoolReconciler(
            KubernetesClient client,
            Indexer<DiskPool> pools,
            Indexer<StorageNode> nodes,
            DataplaneClients dataplanes,
            EventRecorder events,
            Clock clock,
            Duration refresh) {
        this.client = client;
        this.pools = pools;
        this.nodes = nodes;
        this.dataplanes = dataplanes;
        this.events = events;
        this.clock = clock;
        this.refresh = refresh;
    }

    /** What one reconcile knows so far. */
    private final class Reconciliation {
        DiskPool resource;
        final DiskPoolStatus before;
        final PoolStatusDraft status;
        DesiredPool desired;
        String nodeName;
        Dataplane dataplane;
        Pool observed;

        Reconciliation(DiskPool resource) {
            this.resource = resource;
            this.before = resource.getStatus();
            this.status = new PoolStatusDraft(before, generation(resource), clock.instant());
        }

        String name() {
            return resource.getMetadata().getName();
        }

        /** Ends the chain: the pool is not (or no longer known to be) serving, and why. */
        Optional<Result> stop(DiskPoolPhase phase, String readyStatus, String reason, String message, Result then) {
            status.phase = phase;
            status.condition(ConditionTypes.READY, readyStatus, reason, message);
            return Optional.of(then);
        }

        /** The phase to show when reaching the dataplane failed: an existing pool may still serve I/O. */
        DiskPoolPhase phaseWhenUnreachable() {
            return status.exists() && status.phase != null ? status.phase : DiskPoolPhase.Creating;
        }
    }

    @FunctionalInterface
    private interface Step {
        Optional<Result> run(Reconciliation r);
    }

    @Override
    public Result reconcile(String name) {
        DiskPool cached = pools.getByKey(name);
        if (cached == null) {
            return Result.done(); // deleted, and no finalizer of ours held it
        }
        Reconciliation r = new Reconciliation(cached);
        if (cached.isMarkedForDeletion()) {
            return delete(r);
        }
        List<Step> steps = List.of(
                this::checkSpec,
                this::resolveNode,
                this::checkDiskClaim,
                this::ensureFinalizer,
                this::ensurePool,
                this::observe);
        Result result = Result.after(refresh);
        for (Step step : steps) {
            Optional<Result> stop = step.run(r);
            if (stop.isPresent()) {
                result = stop.get();
                break;
            }
        }
        writeStatus(r);
        return result;
    }

    // ------------------------------------------------------------------------------ the steps

    private Optional<Result> checkSpec(Reconciliation r) {
        switch (DesiredPool.from(r.name(), r.resource.getSpec())) {
            case DesiredPool.Valid valid -> r.desired = valid.pool();
            case DesiredPool.Invalid invalid -> {
                if (r.status.exists()) {
                    // The pool keeps serving as it is; only the edit is refused.
                    r.status.condition(
                            ConditionTypes.SPEC_APPLIED,
                            FALSE,
                            Reasons.INVALID_SPEC,
                            invalid.message() + ". The pool keeps running as it is.");
                    return Optional.empty();
                }
                return r.stop(
                        DiskPoolPhase.Error,
                        FALSE,
                        Reasons.INVALID_SPEC,
                        invalid.message() + ". Nothing was created; edit the DiskPool to fix it.",
                        Result.done());
            }
        }
        return Optional.empty();
    }

    private Optional<Result> resolveNode(Reconciliation r) {
        boolean exists = r.status.exists();
        r.nodeName = exists ? r.status.node : r.desired.node();
        String nothing = exists ? "" : " Nothing was created.";
        StorageNode node = nodes.getByKey(r.nodeName);
        if (node == null) {
            return r.stop(
                    exists ? DiskPoolPhase.Offline : DiskPoolPhase.Error,
                    FALSE,
                    Reasons.NODE_NOT_FOUND,
                    "there is no StorageNode '" + r.nodeName + "': no Peregrine dataplane has registered on that"
                            + " node. Check spec.node, and that the dataplane DaemonSet runs there." + nothing,
                    Result.done());
        }
        NodeState state = node.getStatus() == null ? null : node.getStatus().state();
        if (state == NodeState.Offline) {
            return r.stop(
                    DiskPoolPhase.Offline,
                    FALSE,
                    Reasons.NODE_OFFLINE,
                    "StorageNode '" + r.nodeName + "' is Offline: its node agent stopped renewing its lease. The"
                            + " pool is reconciled again when the node is back." + nothing,
                    Result.done());
        }
        if (state != NodeState.Online) {
            return r.stop(
                    r.phaseWhenUnreachable(),
                    UNKNOWN,
                    Reasons.NODE_NOT_READY,
                    "StorageNode '" + r.nodeName + "' is not Online yet; waiting for its lease to be seen.",
                    Result.done());
        }
        String endpoint = node.getStatus().managementEndpoint();
        if (endpoint == null || endpoint.isBlank()) {
            return r.stop(
                    r.phaseWhenUnreachable(),
                    UNKNOWN,
                    Reasons.NODE_NO_ENDPOINT,
                    "StorageNode '" + r.nodeName + "' has no status.managementEndpoint yet; its node agent has"
                            + " not reported the dataplane's address.",
                    Result.done());
        }
        try {
            r.dataplane = dataplanes.forEndpoint(endpoint);
        } catch (DataplaneConfigException e) {
            return r.stop(
                    r.phaseWhenUnreachable(), UNKNOWN, Reasons.DATAPLANE_UNAVAILABLE, e.getMessage(), Result.retry());
        } catch (IllegalArgumentException e) {
            return r.stop(
                    DiskPoolPhase.Error,
                    FALSE,
                    Reasons.NODE_NO_ENDPOINT,
                    "StorageNode '" + r.nodeName + "' advertises an unusable endpoint: " + e.getMessage(),
                    Result.done());
        }
        return Optional.empty();
    }

    private Optional<Result> checkDiskClaim(Reconciliation r) {
        if (r.status.exists() || r.desired == null) {
            return Optional.empty(); // it already lives on its disk
        }
        Optional<String> owner = DiskClaims.ownerOtherThan(
                r.resource, r.desired, pools.byIndex(DiskPoolIndexes.BY_NODE, r.desired.node()));
        if (owner.isPresent()) {
            return r.stop(
                    DiskPoolPhase.Error,
                    FALSE,
                    Reasons.DISK_IN_USE,
                    "disk " + r.desired.disk().uri() + " on node '" + r.desired.node() + "' belongs to DiskPool '"
                            + owner.get() + "' (older, or already living on it); point spec.disks at another disk"
                            + " or delete one of the two. Nothing was created.",
                    Result.done());
        }
        return Optional.empty();
    }

    private Optional<Result> ensureFinalizer(Reconciliation r) {
        if (!r.resource.hasFinalizer(Crds.POOL_FINALIZER)) {
            DiskPool copy = copy(r.resource);
            copy.addFinalizer(Crds.POOL_FINALIZER);
            r.resource = client.resource(copy).update();
        }
        return Optional.empty();
    }

    private Optional<Result> ensurePool(Reconciliation r) {
        try {
            r.observed = r.dataplane
                    .pools()
                    .getPool(GetPoolRequest.newBuilder().setName(r.name()).build());
        } catch (StatusRuntimeException e) {
            if (DataplaneFailure.code(e) != Status.Code.NOT_FOUND) {
                return unreachable(r, "GetPool", e);
            }
            return r.status.exists() ? reimport(r) : createOrImport(r);
        }
        if (!r.status.exists() && !sameDisk(r.observed.getDiskUri(), r.desired.disk())) {
            return r.stop(
                    DiskPoolPhase.Error,
                    FALSE,
                    Reasons.POOL_NAME_CONFLICT,
                    "node '" + r.nodeName + "' already has a pool named '" + r.name() + "' on disk "
                            + r.observed.getDiskUri() + ", not on "
                            + r.desired.disk().uri()
                            + ". Rename this DiskPool, or point spec.disks at that disk to adopt the pool.",
                    Result.retry());
        }
        return Optional.empty();
    }

    private Optional<Result> createOrImport(Reconciliation r) {
        DesiredPool d = r.desired;
        try {
            r.observed = r.dataplane
                    .pools()
                    .createPool(CreatePoolRequest.newBuilder()
                            .setName(d.name())
                            .setDiskUri(d.disk().uri())
                            .setClusterSizeBytes(d.clusterSizeBytes())
                            .build());
            events.record(
                    r.resource,
                    Type.Normal,
                    Reasons.POOL_CREATED,
                    "created pool '" + d.name() + "' on " + d.disk().uri() + " of node '" + d.node() + "' ("
                            + Bytes.human(r.observed.getCapacityBytes()) + ", clusters of "
                            + Bytes.human(d.clusterSizeBytes()) + ")");
            return Optional.empty();
        } catch (StatusRuntimeException e) {
            switch (DataplaneFailure.code(e)) {
                case FAILED_PRECONDITION -> {
                    return importExisting(r);
                }
                case ALREADY_EXISTS -> {
                    return r.stop(
                            DiskPoolPhase.Error,
                            FALSE,
                            Reasons.POOL_NAME_CONFLICT,
                            "node '" + d.node() + "' already has a pool named '" + d.name() + "' on another disk ("
                                    + DataplaneFailure.describe(e) + "). Rename this DiskPool, or point spec.disks"
                                    + " at that pool's disk to adopt it.",
                            Result.retry());
                }
                case INVALID_ARGUMENT, OUT_OF_RANGE -> {
                    return r.stop(
                            DiskPoolPhase.Error,
                            FALSE,
                            Reasons.DATAPLANE_REJECTED,
                            "the dataplane on '" + d.node() + "' rejected the pool: " + DataplaneFailure.describe(e)
                                    + ". Nothing was created; edit the DiskPool to fix it.",
                            Result.done());
                }
                case NOT_FOUND -> {
                    return r.stop(
                            DiskPoolPhase.Error,
                            FALSE,
                            Reasons.DISK_NOT_FOUND,
                            "node '" + d.node() + "' has no disk " + d.disk().uri() + " ("
                                    + DataplaneFailure.describe(e) + "); check StorageNode '" + d.node()
                                    + "' status.devices for the disks it found. Retrying.",
                            Result.retry());
                }
                default -> {
                    return unreachable(r, "CreatePool", e);
                }
            }
        }
    }

    // CreatePool said the disk already holds a store: adopt it if it has our name.
    private Optional<Result> importExisting(Reconciliation r) {
        DesiredPool d = r.desired;
        try {
            r.observed = r.dataplane
                    .pools()
                    .importPool(ImportPoolRequest.newBuilder()
                            .setDiskUri(d.disk().uri())
                            .setExpectedName(d.name())
                            .build());
            events.record(
                    r.resource,
                    Type.Normal,
                    Reasons.POOL_IMPORTED,
                    "imported the pool '" + d.name() + "' that disk " + d.disk().uri() + " of node '" + d.node()
                            + "' already held, with its " + r.observed.getVolumeCount() + " volume(s)");
            return Optional.empty();
        } catch (StatusRuntimeException e) {
            if (DataplaneFailure.transientFailure(e)) {
                return unreachable(r, "ImportPool", e);
            }
            return r.stop(
                    DiskPoolPhase.Error,
                    FALSE,
                    Reasons.DISK_IN_USE,
                    "disk " + d.disk().uri() + " on node '" + d.node() + "' already holds another pool ("
                            + DataplaneFailure.describe(e) + "). To keep it, name a DiskPool after that pool; to"
                            + " reuse the disk, destroy that pool first. Nothing was changed.",
                    Result.retry());
        }
    }

    // The pool existed and the dataplane does not have it loaded: import it from where it lived.
    private Optional<Result> reimport(Reconciliation r) {
        PoolStatusDraft s = r.status;
        try {
            r.observed = r.dataplane
                    .pools()
                    .importPool(ImportPoolRequest.newBuilder()
                            .setDiskUri(s.disk)
                            .setExpectedName(r.name())
                            .build());
            events.record(
                    r.resource,
                    Type.Normal,
                    Reasons.POOL_IMPORTED,
                    "the dataplane on '" + s.node + "' did not have pool '" + r.name() + "' loaded; imported it"
                            + " again from " + s.disk);
            return Optional.empty();
        } catch (StatusRuntimeException e) {
            if (DataplaneFailure.transientFailure(e)) {
                return unreachable(r, "ImportPool", e);
            }
            return r.stop(
                    DiskPoolPhase.Error,
                    FALSE,
                    Reasons.POOL_GONE,
                    "pool '" + r.name() + "' (uuid " + s.uuid + ") lived on " + s.disk + " of node '" + s.node
                            + "', and the dataplane neither has it loaded nor can import it ("
                            + DataplaneFailure.describe(e) + "). It is not created again, because an empty pool"
                            + " would hide the loss of its volumes: restore the disk, or delete this DiskPool.",
                    Result.retry());
        }
    }

    private Optional<Result> observe(Reconciliation r) {
        Pool p = r.observed;
        r.status.observed(r.nodeName, p);
        String message = p.getMessage().isEmpty() ? "" : ": " + p.getMessage();
        switch (p.getState()) {
            case ONLINE -> {
                r.status.phase = DiskPoolPhase.Online;
                r.status.condition(
                        ConditionTypes.READY,
                        TRUE,
                        Reasons.POOL_ONLINE,
                        "pool serves I/O on " + p.getDiskUri() + " of node '" + r.nodeName + "'");
            }
            case DEGRADED -> {
                r.status.phase = DiskPoolPhase.Degraded;
                r.status.condition(
                        ConditionTypes.READY, TRUE, Reasons.POOL_DEGRADED, "pool serves I/O with problems" + message);
            }
            default -> {
                r.status.phase = DiskPoolPhase.Error;
                r.status.condition(
                        ConditionTypes.READY,
                        FALSE,
                        Reasons.POOL_ERROR,
                        "the dataplane reports the pool in error" + (message.isEmpty() ? "" : message)
                                + "; see the dataplane's log on node '" + r.nodeName + "'");
            }
        }
        if (r.desired != null) {
            specApplied(r);
        }
        return Optional.empty();
    }

    // Node, disk and cluster size are fixed at creation: an edit to them is refused, in status.
    private void specApplied(Reconciliation r) {
        DesiredPool d = r.desired;
        PoolStatusDraft s = r.status;
        List<String> refused = new ArrayList<>();
        if (!d.node().equals(s.node)) {
            refused.add("spec.node changed to '" + d.node() + "', but the pool lives on '" + s.node
                    + "' and cannot move: set it back, or create a new DiskPool on '" + d.node() + "'");
        }
        if (!sameDisk(s.disk, d.disk())) {
            refused.add("spec.disks changed to " + d.disk().uri() + ", but the pool lives on " + s.disk
                    + " and cannot move: set it back, or create a new DiskPool for that disk");
        }
        if (!Objects.equals(s.clusterSizeBytes, d.clusterSizeBytes())) {
            refused.add("spec.clusterSize asks for " + Bytes.human(d.clusterSizeBytes()) + " clusters, but the pool"
                    + " was formatted with " + Bytes.human(s.clusterSizeBytes) + ", fixed for its lifetime: set"
                    + " it back to " + Bytes.human(s.clusterSizeBytes));
        }
        if (refused.isEmpty()) {
            s.condition(ConditionTypes.SPEC_APPLIED, TRUE, Reasons.SPEC_APPLIED, "the pool is what the spec says");
        } else {
            s.condition(
                    ConditionTypes.SPEC_APPLIED,
                    FALSE,
                    Reasons.IMMUTABLE_FIELD_CHANGED,
                    String.join("; ", refused) + ". The pool keeps running as it is.");
        }
    }

    private Optional<Result> unreachable(Reconciliation r, String call, StatusRuntimeException e) {
        if (!DataplaneFailure.transientFailure(e)) {
            return r.stop(
                    DiskPoolPhase.Error,
                    FALSE,
                    Reasons.DATAPLANE_ERROR,
                    call + " on node '" + r.nodeName + "' failed: " + DataplaneFailure.describe(e) + ". Retrying.",
                    Result.retry());
        }
        return r.stop(
                r.phaseWhenUnreachable(),
                UNKNOWN,
                Reasons.DATAPLANE_UNAVAILABLE,
                "the dataplane on node '" + r.nodeName + "' (" + r.dataplane.endpoint() + ") did not answer " + call
                        + ": " + DataplaneFailure.describe(e) + ". Retrying with backoff.",
                Result.retry());
    }

    // ------------------------------------------------------------------------------- deletion

    private Result delete(Reconciliation r) {
        if (!r.resource.hasFinalizer(Crds.POOL_FINALIZER)) {
            return Result.done();
        }
        PoolStatusDraft s = r.status;
        String nodeName = s.exists()
                ? s.node
                : r.resource.getSpec() == null ? null : r.resource.getSpec().node();
        StorageNode node = nodeName == null ? null : nodes.getByKey(nodeName);
        boolean reachable = node != null
                && node.getStatus() != null
                && node.getStatus().state() == NodeState.Online
                && node.getStatus().managementEndpoint() != null;
        if (!reachable) {
            if (!s.exists()) {
                removeFinalizer(r); // it never got as far as the dataplane
                return Result.done();
            }
            blockDeletion(
                    r,
                    Reasons.NODE_UNREACHABLE,
                    "node '" + nodeName + "' is not Online, so whether pool '" + r.name() + "' still holds volumes"
                            + " cannot be checked; deletion continues when the node is back. To abandon the pool"
                            + " and its data: kubectl patch diskpool " + r.name()
                            + " --type=json -p '[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]'");
            return Result.done();
        }
        Dataplane dataplane;
        try {
            dataplane = dataplanes.forEndpoint(node.getStatus().managementEndpoint());
        } catch (RuntimeException e) {
            blockDeletion(r, Reasons.NODE_UNREACHABLE, "cannot reach the dataplane: " + e.getMessage());
            return Result.retry();
        }
        Pool pool;
        try {
            pool = dataplane
                    .pools()
                    .getPool(GetPoolRequest.newBuilder().setName(r.name()).build());
        } catch (StatusRuntimeException e) {
            if (DataplaneFailure.code(e) == Status.Code.NOT_FOUND) {
                if (s.exists()) {
                    events.record(
                            r.resource,
                            Type.Normal,
                            Reasons.POOL_GONE,
                            "pool '" + r.name() + "' is not loaded on node '" + nodeName + "'; nothing to delete");
                }
                removeFinalizer(r);
                return Result.done();
            }
            blockDeletion(
                    r,
                    Reasons.NODE_UNREACHABLE,
                    "the dataplane on node '" + nodeName + "' did not answer GetPool: " + DataplaneFailure.describe(e)
                            + ". Retrying.");
            return Result.retry();
        }
        if (!s.exists() && !ownedBy(r, pool)) {
            removeFinalizer(r); // a pool of that name we never created: not ours to delete
            return Result.done();
        }
        int volumes = pool.getVolumeCount();
        int snapshots = pool.getSnapshotCount();
        if (volumes + snapshots > 0) {
            blockDeletion(
                    r,
                    Reasons.POOL_HAS_VOLUMES,
                    "pool '" + r.name() + "' holds " + volumes + " volume(s) and " + snapshots + " snapshot(s);"
                            + " delete the PersistentVolumeClaims and VolumeSnapshots that use it, and the DiskPool"
                            + " goes away once the pool is empty");
            return Result.after(refresh);
        }
        DeletionPolicy policy = r.resource.getSpec() == null
                ? DeletionPolicy.Destroy
                : r.resource.getSpec().deletionPolicyOrDefault();
        try {
            if (policy == DeletionPolicy.Export) {
                dataplane
                        .pools()
                        .exportPool(
                                ExportPoolRequest.newBuilder().setName(r.name()).build());
                events.record(
                        r.resource,
                        Type.Normal,
                        Reasons.POOL_EXPORTED,
                        "exported pool '" + r.name() + "': it stays on " + pool.getDiskUri()
                                + " to be imported by a new DiskPool of the same name");
            } else {
                dataplane
                        .pools()
                        .destroyPool(DestroyPoolRequest.newBuilder()
                                .setName(r.name())
                                .setAllowMissing(true)
                                .build());
                events.record(
                        r.resource,
                        Type.Normal,
                        Reasons.POOL_DESTROYED,
                        "destroyed empty pool '" + r.name() + "' on " + pool.getDiskUri() + " of node '" + nodeName
                                + "'");
            }
        } catch (StatusRuntimeException e) {
            if (DataplaneFailure.code(e) == Status.Code.FAILED_PRECONDITION) {
                // A volume appeared between GetPool and the call: the dataplane's check is the one that counts.
                blockDeletion(r, Reasons.POOL_HAS_VOLUMES, DataplaneFailure.describe(e));
                return Result.after(refresh);
            }
            if (DataplaneFailure.code(e) != Status.Code.NOT_FOUND) {
                blockDeletion(
                        r,
                        Reasons.NODE_UNREACHABLE,
                        "the dataplane on node '" + nodeName + "' failed to "
                                + policy.name().toLowerCase() + " the pool: " + DataplaneFailure.describe(e)
                                + ". Retrying.");
                return Result.retry();
            }
        }
        removeFinalizer(r);
        return Result.done();
    }

    private boolean ownedBy(Reconciliation r, Pool pool) {
        if (r.resource.getSpec() == null || r.resource.getSpec().disks().size() != 1) {
            return false;
        }
        try {
            return sameDisk(
                    pool.getDiskUri(),
                    DiskUri.parse(r.resource.getSpec().disks().getFirst()));
        } catch (DiskUri.InvalidDiskUriException e) {
            return false;
        }
    }

    private void blockDeletion(Reconciliation r, String reason, String message) {
        r.status.condition(ConditionTypes.DELETION_BLOCKED, TRUE, reason, message);
        writeStatus(r);
    }

    private void removeFinalizer(Reconciliation r) {
        DiskPool copy = copy(r.resource);
        copy.removeFinalizer(Crds.POOL_FINALIZER);
        try {
            client.resource(copy).update();
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
                throw e;
            }
        }
    }

    // --------------------------------------------------------------------------------- status

    private void writeStatus(Reconciliation r) {
        DiskPoolStatus after = r.status.build();
        if (after.equals(r.before) || Thread.currentThread().isInterrupted()) {
            return; // nothing new, or this term ended mid-reconcile (a cancelled call is not news)
        }
        DiskPool copy = copy(r.resource);
        copy.setStatus(after);
        r.resource = client.resource(copy).updateStatus();
        for (String type :
                List.of(ConditionTypes.READY, ConditionTypes.SPEC_APPLIED, ConditionTypes.DELETION_BLOCKED)) {
            announce(r, type);
        }
    }

    // One Event per condition transition (status or reason), never one per reconcile.
    private void announce(Reconciliation r, String type) {
        List<Condition> before = r.before == null ? List.of() : r.before.conditions();
        Optional<Condition> was = Conditions.find(before, type);
        Optional<Condition> now = Conditions.find(r.status.build().conditions(), type);
        if (now.isEmpty()
                || (was.isPresent()
                        && was.get().status().equals(now.get().status())
                        && Objects.equals(was.get().reason(), now.get().reason()))) {
            return;
        }
        Condition c = now.get();
        if (type.equals(ConditionTypes.SPEC_APPLIED) && c.isTrue() && was.isEmpty()) {
            return; // a spec applied from the start is no news; only a refused edit and its fix are
        }
        boolean good = type.equals(ConditionTypes.DELETION_BLOCKED) ? !c.isTrue() : c.isTrue();
        if (!good && c.status().equals(UNKNOWN) && was.isEmpty() && Reasons.NODE_NOT_READY.equals(c.reason())) {
            return; // a pool created before its node was judged: not worth a warning
        }
        events.record(r.resource, good ? Type.Normal : Type.Warning, c.reason(), c.message());
    }

    private static boolean sameDisk(String uri, DiskUri disk) {
        if (uri == null) {
            return false;
        }
        try {
            return DiskUri.parse(uri).identity().equals(disk.identity());
        } catch (DiskUri.InvalidDiskUriException e) {
            return false;
        }
    }

    private DiskPool copy(DiskPool pool) {
        return client.getKubernetesSerialization().clone(pool);
    }

    private static long generation(DiskPool pool) {
        Long g = pool.getMetadata().getGeneration();
        return g == null ? 0 : g;
    }
}
