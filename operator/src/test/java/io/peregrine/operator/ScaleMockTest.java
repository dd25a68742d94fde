package io.peregrine.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.peregrine.dataplane.api.v1.NodeServiceGrpc;
import io.peregrine.operator.agent.NodeAgent;
import io.peregrine.operator.agent.StorageNodeRegistrar;
import io.peregrine.operator.crd.DiskPool;
import io.peregrine.operator.crd.DiskPoolPhase;
import io.peregrine.operator.crd.DiskPoolSpec;
import io.peregrine.operator.crd.NodeState;
import io.peregrine.operator.crd.StorageNode;
import io.peregrine.operator.observe.OperatorMetrics;
import io.peregrine.operator.observe.OperatorMetrics.Outcome;
import io.peregrine.operator.testing.Await;
import io.peregrine.operator.testing.Dataplanes;
import io.peregrine.operator.testing.MockCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * 100 StorageNodes × 4 DiskPools against one operator: everything converges, and the test
 * reports how long it took and how many API and dataplane calls it cost (printed and written to
 * target/operator-scale.txt). It asserts convergence only, never timing.
 */
class ScaleMockTest {

    private static final int NODES = 100;
    private static final int POOLS_PER_NODE = 4;

    @Test
    void hundredNodesTimesFourPoolsConverge() throws IOException {
        try (MockCluster cluster = new MockCluster();
                Dataplanes dataplanes = Dataplanes.forTests()) {
            OperatorConfig config = io.peregrine.operator.testing.OperatorHarness.testConfig("operator-0")
                    .withNodeLeaseDuration(Duration.ofSeconds(60))
                    .withPoolRefresh(Duration.ofMinutes(10))
                    .withWorkers(8);
            OperatorMetrics metrics = new OperatorMetrics();
            List<NodeAgent> agents = new ArrayList<>();
            StringBuilder report = new StringBuilder();
            Operator operator =
                    new Operator(cluster.newClient(), config, dataplanes.channels(), metrics, Clock.systemUTC());
            try {
                operator.start();
                Await.until("operator leads", operator::reconciling, () -> "standby");
                cluster.drainRequests();

                // Phase 1: every node agent registers its node and takes its lease.
                long t0 = System.nanoTime();
                List<Dataplanes.Node> nodes = new ArrayList<>();
                var agentClient = cluster.newClient(); // one connection pool for the test's agents
                for (int i = 0; i < NODES; i++) {
                    String name = String.format("node-%03d", i);
                    Dataplanes.Node node = dataplanes.start(name, POOLS_PER_NODE);
                    nodes.add(node);
                    NodeAgent agent = new NodeAgent(
                            new StorageNodeRegistrar(
                                    agentClient,
                                    MockCluster.NAMESPACE,
                                    name,
                                    Duration.ofSeconds(60),
                                    Duration.ofMinutes(10),
                                    Clock.systemUTC()),
                            NodeServiceGrpc.newBlockingStub(node.channel()),
                            node.endpoint(),
                            Duration.ofSeconds(20));
                    agents.add(agent);
                    agent.start();
                }
                Await.until(
                        "all nodes Online",
                        Duration.ofMinutes(5),
                        () -> count(
                                        cluster,
                                        StorageNode.class,
                                        n -> n.getStatus() != null
                                                && n.getStatus().state() == NodeState.Online)
                                == NODES,
                        () -> "");
                long registered = System.nanoTime() - t0;
                Map<String, Integer> registrationRequests = cluster.drainRequests();

                // Phase 2: 400 DiskPools created at once; the operator creates each pool on its node.
                var kubectl = cluster.admin();
                long t1 = System.nanoTime();
                for (Dataplanes.Node node : nodes) {
                    for (int d = 0; d < POOLS_PER_NODE; d++) {
                        DiskPool pool = new DiskPool();
                        pool.setMetadata(new ObjectMetaBuilder()
                                .withName(node.nodeName() + "-disk" + d)
                                .build());
                        pool.setSpec(new DiskPoolSpec(
                                node.nodeName(), List.of(node.disks().get(d)), null, null));
                        kubectl.resource(pool).create();
                    }
                }
                long created = System.nanoTime() - t1;
                Await.until(
                        "all pools Online",
                        Duration.ofMinutes(5),
                        () -> count(
                                        cluster,
                                        DiskPool.class,
                                        p -> p.getStatus() != null
                                                && p.getStatus().phase() == DiskPoolPhase.Online)
                                == NODES * POOLS_PER_NODE,
                        () -> "");
                long converged = System.nanoTime() - t1;
                Map<String, Integer> poolRequests = cluster.drainRequests();

                assertEquals(NODES * POOLS_PER_NODE, metrics.dataplaneCallCount("CreatePool", "OK"));
                for (Dataplanes.Node node : nodes) {
                    assertEquals(POOLS_PER_NODE, node.loadedPools().size());
                }

                report.append(String.format(
                        "operator scale: %d StorageNodes x %d DiskPools, %d workers%n",
                        NODES, POOLS_PER_NODE, config.workers()));
                report.append(String.format("  nodes registered and Online: %.2f s%n", registered / 1e9));
                report.append(
                        describe("  API requests while nodes registered (agents + operator)", registrationRequests));
                report.append(String.format(
                        "  %d DiskPools created by the test in %.2f s; all Online %.2f s after the first create,"
                                + " %.2f s after the last%n",
                        NODES * POOLS_PER_NODE, created / 1e9, converged / 1e9, (converged - created) / 1e9));
                report.append(describe(
                        "  API requests while pools converged (test's creates and polls included)", poolRequests));
                report.append(String.format(
                        "  dataplane calls: GetPool %.0f (NOT_FOUND %.0f), CreatePool %.0f%n",
                        metrics.dataplaneCallCount("GetPool", "OK")
                                + metrics.dataplaneCallCount("GetPool", "NOT_FOUND"),
                        metrics.dataplaneCallCount("GetPool", "NOT_FOUND"),
                        metrics.dataplaneCallCount("CreatePool", "OK")));
                report.append(String.format(
                        "  reconciles: DiskPool %.0f ok / %.0f requeued / %.0f failed; StorageNode %.0f ok / %.0f requeued / %.0f failed%n",
                        metrics.reconcileCount("DiskPool", Outcome.SUCCESS),
                        metrics.reconcileCount("DiskPool", Outcome.REQUEUE),
                        metrics.reconcileCount("DiskPool", Outcome.ERROR),
                        metrics.reconcileCount("StorageNode", Outcome.SUCCESS),
                        metrics.reconcileCount("StorageNode", Outcome.REQUEUE),
                        metrics.reconcileCount("StorageNode", Outcome.ERROR)));
                Map<String, Long> events = cluster.admin().v1().events().inAnyNamespace().list().getItems().stream()
                        .collect(Collectors.groupingBy(
                                e -> e.getInvolvedObject().getKind() + " " + e.getReason(),
                                TreeMap::new,
                                Collectors.counting()));
                report.append("  events by kind and reason: ").append(events).append('\n');
            } finally {
                agents.forEach(NodeAgent::close); // before the operator closes (see OperatorHarness#close)
                operator.close();
            }
            System.out.print(report);
            Files.writeString(Path.of("target", "operator-scale.txt"), report);
        }
    }

    private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> long count(
            MockCluster cluster, Class<T> kind, java.util.function.Predicate<T> test) {
        return cluster.admin().resources(kind).list().getItems().stream()
                .filter(test)
                .count();
    }

    private static String describe(String title, Map<String, Integer> requests) {
        int total = requests.values().stream().mapToInt(Integer::intValue).sum();
        return title + ": " + total + "\n"
                + new TreeMap<>(requests)
                        .entrySet().stream()
                                .map(e -> String.format("      %5d  %s", e.getValue(), e.getKey()))
                                .collect(Collectors.joining("\n"))
                + "\n";
    }
}
