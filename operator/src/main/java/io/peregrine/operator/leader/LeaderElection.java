package io.peregrine.operator.leader;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Lease-based leader election (Fabric8's {@code LeaderElector} on a coordination.k8s.io Lease),
 * run again after every lost term so a replica that lost the lease stands by for the next one.
 * {@code onStart} and {@code onStop} alternate strictly, each called once per term.
 */
public final class LeaderElection implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LeaderElection.class.getName());

    /** Lease timing, as client-go names it. */
    public record Timing(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
        public static final Timing DEFAULT =
                new Timing(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
    }

    private final KubernetesClient client;
    private final String namespace;
    private final String leaseName;
    private final String identity;
    private final Timing timing;
    private final Runnable onStart;
    private final Runnable onStop;
    private final AtomicBoolean leading = new AtomicBoolean();
    private volatile boolean closed;
    private volatile CompletableFuture<?> term;
    private Thread loop;

    public LeaderElection(
            KubernetesClient client,
            String namespace,
            String leaseName,
            String identity,
            Timing timing,
            Runnable onStart,
            Runnable onStop) {
        this.client = client;
        this.namespace = namespace;
        this.leaseName = leaseName;
        this.identity = identity;
        this.timing = timing;
        this.onStart = onStart;
        this.onStop = onStop;
    }

    public synchronized void start() {
        if (loop != null) {
            throw new IllegalStateException("leader election already started");
        }
        loop = Thread.ofVirtual().name("leader-election").start(this::run);
    }

    public boolean running() {
        return loop != null && loop.isAlive();
    }

    public boolean leading() {
        return leading.get();
    }

    private void run() {
        while (!closed) {
            var elector = client.leaderElector()
                    .withConfig(new LeaderElectionConfigBuilder()
                            .withName(leaseName)
                            .withLock(new LeaseLock(namespace, leaseName, identity))
                            .withLeaseDuration(timing.leaseDuration())
                            .withRenewDeadline(timing.renewDeadline())
                            .withRetryPeriod(timing.retryPeriod())
                            .withReleaseOnCancel(true)
                            .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped, this::newLeader))
                            .build())
                    .build();
            CompletableFuture<?> current = elector.start();
            term = current;
            if (closed) {
                current.cancel(true);
            }
            try {
                current.join();
                LOG.log(Level.WARNING, "{0} lost the lease {1}/{2}; standing by", identity, namespace, leaseName);
            } catch (CancellationException e) {
                return;
            } catch (CompletionException e) {
                LOG.log(Level.ERROR, "leader election failed; trying again", e.getCause());
            }
            stopped(); // the elector calls it too; stopped() runs onStop once per term
        }
    }

    private void started() {
        if (leading.compareAndSet(false, true)) {
            LOG.log(Level.INFO, "{0} leads (lease {1}/{2})", identity, namespace, leaseName);
            onStart.run();
        }
    }

    private void stopped() {
        if (leading.compareAndSet(true, false)) {
            LOG.log(Level.INFO, "{0} stopped leading", identity);
            onStop.run();
        }
    }

    private void newLeader(String leader) {
        LOG.log(Level.INFO, "lease {0}/{1} is held by {2}", namespace, leaseName, leader);
    }

    /**
     * Stops competing; a leader releases the lease so a standby takes over at once. Waits at most
     * the renew deadline for the release: with the API server unreachable the lease simply expires.
     */
    @Override
    public void close() {
        closed = true;
        CompletableFuture<?> current = term;
        if (current != null) {
            // Cancelling runs the elector's release (API calls, with their retries) on this thread.
            Thread release = Thread.ofVirtual().name("leader-release").start(() -> current.cancel(true));
            try {
                if (!release.join(timing.renewDeadline())) {
                    LOG.log(Level.WARNING, "{0}: could not release the lease in time; it will expire", identity);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stopped();
        Thread t;
        synchronized (this) {
            t = loop;
        }
        if (t != null) {
            try {
                t.join(timing.retryPeriod());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
