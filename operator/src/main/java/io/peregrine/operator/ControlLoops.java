package io.peregrine.operator;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.peregrine.operator.crd.DiskPool;
import io.peregrine.operator.crd.DiskPoolPhase;
import io.peregrine.operator.crd.NodeState;
import io.peregrine.operator.crd.StorageNode;
import io.peregrine.operator.crd.StorageNodeStatus;
import io.peregrine.operator.dataplane.DataplaneClients;
import io.peregrine.operator.model.ConditionTypes;
import io.peregrine.operator.model.Conditions;
import io.peregrine.operator.model.Reasons;
import io.peregrine.operator.node.LeaseTracker;
import io.peregrine.operator.node.StorageNodeReconciler;
import io.peregrine.operator.observe.OperatorMetrics;
import io.peregrine.operator.pool.DiskPoolIndexes;
import io.peregrine.operator.pool.DiskPoolReconciler;
import io.peregrine.operator.reconcile.Controller;
import io.peregrine.operator.reconcile.EventRecorder;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One leadership term: informers on StorageNodes, DiskPools and node Leases, and the two
 * controllers they feed. Informer handlers only enqueue keys; reconciles run on the controllers'
 * virtual threads. Built when this replica starts leading, closed when it stops.
 */
final class ControlLoops implements AutoCloseable {

    static final String POOL_KIND = "DiskPool";
    static final String NODE_KIND = "StorageNode";

    private final KubernetesClient client;
    private final OperatorConfig config;
    private final DataplaneClients dataplanes;
    private final OperatorMetrics metrics;
    private final EventRecorder events;
    private final Clock clock;
    private SharedIndexInformer<StorageNode> nodeInformer;
    private SharedIndexInformer<DiskPool> poolInformer;
    private SharedIndexInformer<Lease> leaseInformer;
    private Controller pools;
    private Controller nodes;
    private volatile boolean synced;

    ControlLoops(
            KubernetesClient client,
            OperatorConfig config,
            DataplaneClients dataplanes,
            OperatorMetrics metrics,
            EventRecorder events,
            Clock clock) {
        this.client = client;
        this.config = config;
        this.dataplanes = dataplanes;
        this.metrics = metrics;
        this.events = events;
        this.clock = clock;
    }

    /** Starts the informers, waits for their first list, then starts the workers. */
    void start() throws InterruptedException, ExecutionException, TimeoutException {
        long resync = config.resync().toMillis();
        nodeInformer = client.resources(StorageNode.class).runnableInformer(resync);
        poolInformer = client.resources(DiskPool.class).runnableInformer(resync);
        poolInformer.addIndexers(DiskPoolIndexes.all());
        leaseInformer = client.leases().inNamespace(config.namespace()).runnableInformer(0);
        LeaseTracker tracker = new LeaseTracker(clock, config.nodeLeaseDuration());

        pools = new Controller(
                POOL_KIND,
                new DiskPoolReconciler(
                        client,
                        poolInformer.getIndexer(),
                        nodeInformer.getIndexer(),
                        dataplanes,
                        events,
                        clock,
                        config.poolRefresh()),
                config.backoff(),
                config.workers(),
                metrics);
        nodes = new Controller(
                NODE_KIND,
                new StorageNodeReconciler(
                        client, nodeInformer.getIndexer(), tracker, events, config.namespace(), clock),
                config.backoff(),
                config.workers(),
                metrics);

        poolInformer.addEventHandler(new PoolEvents());
        nodeInformer.addEventHandler(new NodeEvents());
        leaseInformer.addEventHandler(new LeaseEvents(tracker));

        CompletableFuture.allOf(
                        nodeInformer.start().toCompletableFuture(),
                        poolInformer.start().toCompletableFuture(),
                        leaseInformer.start().toCompletableFuture())
                .get(2, TimeUnit.MINUTES);
        metrics.inventory(
                () -> count(
                        nodeInformer.getStore().list(),
                        n -> n.getStatus() == null || n.getStatus().state() == null
                                ? NodeState.Unknown.name()
                                : n.getStatus().state().name()),
                () -> count(
                        poolInformer.getStore().list(),
                        p -> p.getStatus() == null || p.getStatus().phase() == null
                                ? DiskPoolPhase.Creating.name()
                                : p.getStatus().phase().name()));
        nodes.start();
        pools.start();
        synced = true;
    }

    boolean synced() {
        return synced;
    }

    private static <T> Map<String, Long> count(List<T> items, Function<T, String> key) {
        return items.stream().collect(Collectors.groupingBy(key, Collectors.counting()));
    }

    private void enqueuePoolsOn(String node, boolean onlyWaitingForDisk) {
        if (node == null) {
            return;
        }
        for (DiskPool p : poolInformer.getIndexer().byIndex(DiskPoolIndexes.BY_NODE, node)) {
            if (!onlyWaitingForDisk || waitingForDisk(p)) {
                pools.enqueue(p.getMetadata().getName());
            }
        }
    }

    private static boolean waitingForDisk(DiskPool p) {
        return p.getStatus() != null
                && Conditions.find(p.getStatus().conditions(), ConditionTypes.READY)
                        .map(c -> Reasons.DISK_IN_USE.equals(c.reason()))
                        .orElse(false);
    }

    private final class PoolEvents implements ResourceEventHandler<DiskPool> {
        @Override
        public void onAdd(DiskPool pool) {
            pools.enqueue(pool.getMetadata().getName());
        }

        @Override
        public void onUpdate(DiskPool old, DiskPool pool) {
            boolean resync = Objects.equals(
                    old.getMetadata().getResourceVersion(), pool.getMetadata().getResourceVersion());
            boolean specChanged = !Objects.equals(
                    old.getMetadata().getGeneration(), pool.getMetadata().getGeneration());
            boolean deleting = !Objects.equals(
                    old.getMetadata().getDeletionTimestamp(), pool.getMetadata().getDeletionTimestamp());
            // Our own status and finalizer writes change neither: they do not come back as work.
            if (resync || specChanged || deleting) {
                pools.enqueue(pool.getMetadata().getName());
            }
            if (specChanged) {
                DiskPoolIndexes.all().get(DiskPoolIndexes.BY_NODE).apply(old).forEach(n -> enqueuePoolsOn(n, true));
            }
        }

        @Override
        public void onDelete(DiskPool pool, boolean finalStateUnknown) {
            pools.enqueue(pool.getMetadata().getName());
            DiskPoolIndexes.all().get(DiskPoolIndexes.BY_NODE).apply(pool).forEach(n -> enqueuePoolsOn(n, true));
        }
    }

    private final class NodeEvents implements ResourceEventHandler<StorageNode> {
        @Override
        public void onAdd(StorageNode node) {
            nodes.enqueue(node.getMetadata().getName());
            enqueuePoolsOn(node.getMetadata().getName(), false);
        }

        @Override
        public void onUpdate(StorageNode old, StorageNode node) {
            String name = node.getMetadata().getName();
            nodes.enqueue(name);
            StorageNodeStatus was = old.getStatus() == null ? StorageNodeStatus.empty() : old.getStatus();
            StorageNodeStatus is = node.getStatus() == null ? StorageNodeStatus.empty() : node.getStatus();
            boolean endpointChanged = !Objects.equals(was.managementEndpoint(), is.managementEndpoint());
            if (endpointChanged && was.managementEndpoint() != null) {
                dataplanes.evict(was.managementEndpoint());
            }
            if (endpointChanged || was.state() != is.state()) {
                enqueuePoolsOn(name, false);
            }
        }

        @Override
        public void onDelete(StorageNode node, boolean finalStateUnknown) {
            if (node.getStatus() != null && node.getStatus().managementEndpoint() != null) {
                dataplanes.evict(node.getStatus().managementEndpoint());
            }
            enqueuePoolsOn(node.getMetadata().getName(), false);
        }
    }

    private final class LeaseEvents implements ResourceEventHandler<Lease> {
        private final LeaseTracker tracker;

        LeaseEvents(LeaseTracker tracker) {
            this.tracker = tracker;
        }

        @Override
        public void onAdd(Lease lease) {
            tracker.observe(lease).ifPresent(nodes::enqueue);
        }

        @Override
        public void onUpdate(Lease old, Lease lease) {
            tracker.observe(lease).ifPresent(nodes::enqueue);
        }

        @Override
        public void onDelete(Lease lease, boolean finalStateUnknown) {
            tracker.forget(lease).ifPresent(nodes::enqueue);
        }
    }

    @Override
    public void close() {
        synced = false;
        metrics.inventory(Map::of, Map::of);
        // Workers first, so that no reconcile runs on a cache that is being torn down.
        if (pools != null) {
            pools.close();
        }
        if (nodes != null) {
            nodes.close();
        }
        for (SharedIndexInformer<?> informer :
                new SharedIndexInformer<?>[] {poolInformer, nodeInformer, leaseInformer}) {
            if (informer != null) {
                informer.stop();
            }
        }
    }
}
