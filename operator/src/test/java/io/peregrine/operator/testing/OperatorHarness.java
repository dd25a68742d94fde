package io.peregrine.operator.testing;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.peregrine.dataplane.api.v1.NodeServiceGrpc;
import io.peregrine.operator.Operator;
import io.peregrine.operator.OperatorConfig;
import io.peregrine.operator.agent.NodeAgent;
import io.peregrine.operator.agent.StorageNodeRegistrar;
import io.peregrine.operator.crd.Condition;
import io.peregrine.operator.crd.DeletionPolicy;
import io.peregrine.operator.crd.DiskPool;
import io.peregrine.operator.crd.DiskPoolSpec;
import io.peregrine.operator.crd.StorageNode;
import io.peregrine.operator.leader.LeaderElection;
import io.peregrine.operator.model.ConditionTypes;
import io.peregrine.operator.model.Conditions;
import io.peregrine.operator.observe.OperatorMetrics;
import io.peregrine.operator.reconcile.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One test's world: a mock API server, dataplanes, node agents and operator replicas, with
 * timings short enough for tests (leases of seconds, not tens of seconds).
 */
public final class OperatorHarness implements AutoCloseable {

    public static final Duration NODE_LEASE = Duration.ofSeconds(3);
    public static final Duration NODE_RENEW = Duration.ofMillis(500);

    public final MockCluster cluster;
    public final Dataplanes dataplanes;
    private final List<Operator> operators = new ArrayList<>();
    private final Map<String, NodeAgent> agents = new LinkedHashMap<>();
    private final Map<String, Dataplanes.Node> nodes = new LinkedHashMap<>();

    public OperatorHarness() {
        this(Dataplanes.forTests());
    }

    /** Against other dataplanes: real daemons (e2e/node), say. The harness closes them. */
    public OperatorHarness(Dataplanes dataplanes) {
        this.dataplanes = dataplanes;
        this.cluster = new MockCluster();
    }

    public KubernetesClient kubectl() {
        return cluster.admin();
    }

    public static OperatorConfig testConfig(String identity) {
        return OperatorConfig.defaults(MockCluster.NAMESPACE, identity)
                .withLeaderTiming(
                        new LeaderElection.Timing(Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofMillis(500)))
                .withWorkers(4)
                .withNodeLeaseDuration(NODE_LEASE)
                .withPoolRefresh(Duration.ofMillis(500))
                .withDataplaneCallTimeout(Duration.ofSeconds(5))
                .withBackoff(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)));
    }

    public Operator startOperator(String identity) {
        return startOperator(testConfig(identity));
    }

    public synchronized Operator startOperator(OperatorConfig config) {
        Operator operator = new Operator(
                cluster.newClient(), config, dataplanes.channels(), new OperatorMetrics(), Clock.systemUTC());
        operators.add(operator);
        operator.start();
        return operator;
    }

    /** Starts a dataplane for {@code name} with {@code disks} disks and its node agent. */
    public synchronized Dataplanes.Node addNode(String name, int disks) {
        Dataplanes.Node node = dataplanes.start(name, disks);
        nodes.put(name, node);
        startAgent(name);
        return node;
    }

    public synchronized NodeAgent startAgent(String name) {
        Dataplanes.Node node = nodes.get(name);
        StorageNodeRegistrar registrar = new StorageNodeRegistrar(
                cluster.newClient(), MockCluster.NAMESPACE, name, NODE_LEASE, Duration.ofMinutes(5), Clock.systemUTC());
        NodeAgent agent =
                new NodeAgent(registrar, NodeServiceGrpc.newBlockingStub(node.channel()), node.endpoint(), NODE_RENEW);
        agents.put(name, agent);
        agent.start();
        return agent;
    }

    public synchronized void stopAgent(String name) {
        NodeAgent agent = agents.remove(name);
        if (agent != null) {
            agent.close();
        }
    }

    public Dataplanes.Node node(String name) {
        return nodes.get(name);
    }

    public DiskPool createPool(String name, String node, String disk) {
        return createPool(name, new DiskPoolSpec(node, List.of(disk), null, null));
    }

    public DiskPool createPool(String name, String node, String disk, String clusterSize, DeletionPolicy policy) {
        return createPool(
                name,
                new DiskPoolSpec(node, List.of(disk), clusterSize == null ? null : new Quantity(clusterSize), policy));
    }

    public DiskPool createPool(String name, DiskPoolSpec spec) {
        DiskPool pool = new DiskPool();
        pool.setMetadata(new ObjectMetaBuilder().withName(name).build());
        pool.setSpec(spec);
        return kubectl().resource(pool).create();
    }

    public DiskPool pool(String name) {
        return kubectl().resources(DiskPool.class).withName(name).get();
    }

    public StorageNode storageNode(String name) {
        return kubectl().resources(StorageNode.class).withName(name).get();
    }

    public Optional<Condition> poolCondition(String pool, String type) {
        DiskPool p = pool(pool);
        return p == null || p.getStatus() == null
                ? Optional.empty()
                : Conditions.find(p.getStatus().conditions(), type);
    }

    public String readyReason(String pool) {
        return poolCondition(pool, ConditionTypes.READY).map(Condition::reason).orElse(null);
    }

    /** Events about {@code objectName}, oldest first. */
    public List<Event> events(String objectName) {
        return kubectl().v1().events().inAnyNamespace().list().getItems().stream()
                .filter(e -> objectName.equals(e.getInvolvedObject().getName()))
                .sorted((a, b) ->
                        a.getMetadata().getName().compareTo(b.getMetadata().getName()))
                .toList();
    }

    public List<String> eventReasons(String objectName) {
        return events(objectName).stream().map(Event::getReason).toList();
    }

    @Override
    public synchronized void close() {
        // Writers stop before watchers: the mock server stalls when a watch closes while an event
        // is on its way to it (see MockCluster#close).
        agents.values().forEach(NodeAgent::close);
        operators.forEach(Operator::close);
        dataplanes.close();
        cluster.close();
    }
}
