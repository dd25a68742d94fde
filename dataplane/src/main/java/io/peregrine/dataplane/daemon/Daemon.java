package io.peregrine.dataplane.daemon;

import io.peregrine.dataplane.config.DaemonConfig;
import io.peregrine.dataplane.metrics.ApiMetrics;
import io.peregrine.dataplane.metrics.MetricsServer;
import io.peregrine.dataplane.metrics.NodeCollector;
import io.peregrine.dataplane.metrics.Readiness;
import io.peregrine.dataplane.node.Node;
import io.peregrine.dataplane.server.ManagementServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * One node daemon in this process: the {@link Node} (reactors, target, pools, exports), its
 * management API and its metrics endpoint. {@code DaemonMain} and local mode run one; tests run
 * several side by side (each with its own data directory, socket and ports).
 *
 * <p>Stops in the reverse order: the API refuses new calls first, then the metrics endpoint goes,
 * then the node drains I/O and unloads its pools cleanly.
 */
public final class Daemon implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Daemon.class.getName());

    private final Node node;
    private final ManagementServer management;
    private final MetricsServer metrics;
    private final PrometheusRegistry registry;

    private Daemon(Node node, ManagementServer management, MetricsServer metrics, PrometheusRegistry registry) {
        this.node = node;
        this.management = management;
        this.metrics = metrics;
        this.registry = registry;
    }

    /** Starts everything {@code config} asks for; on failure stops what started and throws. */
    public static Daemon start(DaemonConfig config) {
        Node node = Node.start(config);
        ManagementServer management = null;
        try {
            PrometheusRegistry registry = new PrometheusRegistry();
            registry.register(new NodeCollector(node));
            ApiMetrics api = new ApiMetrics(registry);
            management = ManagementServer.start(node, config, api);
            MetricsServer metrics = null;
            if (config.metricsListen().isPresent()) {
                ManagementServer served = management;
                metrics = MetricsServer.start(
                        config.metricsListen().get(), registry, () -> Readiness.of(node, served::serving));
            }
            return new Daemon(node, management, metrics, registry);
        } catch (RuntimeException | Error e) {
            if (management != null) {
                management.close();
            }
            node.close();
            throw e;
        }
    }

    public Node node() {
        return node;
    }

    public ManagementServer management() {
        return management;
    }

    /** Where metrics are served (with the bound port), when configured. */
    public Optional<InetSocketAddress> metricsAddress() {
        return Optional.ofNullable(metrics).map(MetricsServer::address);
    }

    /** The registry behind {@code /metrics} (benchmarks scrape it without HTTP). */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** Where the NVMe/TCP target listens, with the bound port. */
    public InetSocketAddress targetAddress() {
        return node.targetAddress();
    }

    @Override
    public void close() {
        try {
            management.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "stopping the management API: " + e);
        }
        if (metrics != null) {
            metrics.close();
        }
        node.close();
    }
}
