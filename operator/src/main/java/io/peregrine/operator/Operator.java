package io.peregrine.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.peregrine.operator.dataplane.ChannelFactory;
import io.peregrine.operator.dataplane.DataplaneClients;
import io.peregrine.operator.leader.LeaderElection;
import io.peregrine.operator.observe.OperatorMetrics;
import io.peregrine.operator.reconcile.EventRecorder;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Peregrine operator: competes for the leader lease and, while it holds it, runs the
 * StorageNode and DiskPool control loops. Standby replicas keep no caches and make no calls but
 * the election's. Term changes are serialized on one thread, so a term is fully stopped before
 * the next one starts.
 */
public final class Operator implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Operator.class.getName());

    private final KubernetesClient client;
    private final OperatorConfig config;
    private final OperatorMetrics metrics;
    private final Clock clock;
    private final DataplaneClients dataplanes;
    private final EventRecorder events;
    private final LeaderElection election;
    private final ExecutorService transitions = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("operator-term").factory());
    private volatile ControlLoops term;
    private volatile boolean failed;
    private final AtomicBoolean closed = new AtomicBoolean();

    public Operator(
            KubernetesClient client,
            OperatorConfig config,
            ChannelFactory channels,
            OperatorMetrics metrics,
            Clock clock) {
        this.client = client;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
        this.dataplanes = new DataplaneClients(channels, config.dataplaneCallTimeout(), metrics);
        this.events = new EventRecorder(client, config.identity(), clock, metrics);
        this.election = new LeaderElection(
                client,
                config.namespace(),
                config.leaderLeaseName(),
                config.identity(),
                config.leaderTiming(),
                () -> transition(this::startTerm),
                () -> transition(this::stopTerm));
    }

    public void start() {
        election.start();
    }

    private void transition(Runnable change) {
        try {
            transitions.execute(change);
        } catch (RejectedExecutionException e) {
            // closed: close() stops the last term itself
        }
    }

    private void startTerm() {
        ControlLoops loops = new ControlLoops(client, config, dataplanes, metrics, events, clock);
        term = loops;
        try {
            loops.start();
            metrics.leader(true);
            LOG.log(Level.INFO, "{0}: control loops running", config.identity());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            loops.close();
        } catch (Exception e) {
            // Informers that cannot list (CRDs not installed, RBAC) leave nothing to lead with.
            LOG.log(
                    Level.ERROR,
                    config.identity() + ": cannot start the control loops; liveness now fails so the pod restarts",
                    e);
            failed = true;
            loops.close();
            term = null;
        }
    }

    private void stopTerm() {
        ControlLoops loops = term;
        term = null;
        metrics.leader(false);
        if (loops != null) {
            loops.close();
        }
    }

    /** Liveness: the election runs and the last term did not fail to start. */
    public boolean live() {
        return election.running() && !failed;
    }

    /** Readiness: a standby is ready; a leader once its caches are synced and its workers run. */
    public boolean ready() {
        if (!election.leading()) {
            return live();
        }
        ControlLoops loops = term;
        return loops != null && loops.synced();
    }

    /** True while this replica leads and its control loops run. */
    public boolean reconciling() {
        ControlLoops loops = term;
        return election.leading() && loops != null && loops.synced();
    }

    public OperatorMetrics metrics() {
        return metrics;
    }

    /**
     * Stops the control loops, then gives up the lease so a standby takes over at once, then
     * closes the dataplane channels. Loops stop first so that nothing is written once another
     * replica may lead.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        transition(this::stopTerm);
        transitions.shutdown();
        try {
            if (!transitions.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "{0}: control loops did not stop within 30s", config.identity());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        election.close();
        dataplanes.close();
    }
}
