package io.peregrine.operator.reconcile;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.peregrine.operator.observe.OperatorMetrics;
import io.peregrine.operator.observe.OperatorMetrics.Outcome;
import java.lang.System.Logger.Level;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs a {@link Reconciler} for one kind: informer handlers {@link #enqueue} keys, {@code workers}
 * virtual threads take them from a {@link WorkQueue} — one reconcile per key at a time — and
 * requeue them as the {@link Result} or a failure says.
 */
public final class Controller implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Controller.class.getName());
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

    private final String kind;
    private final Reconciler reconciler;
    private final WorkQueue<String> queue;
    private final OperatorMetrics metrics;
    private final int workers;
    private final List<Thread> threads = new ArrayList<>();

    public Controller(String kind, Reconciler reconciler, Backoff backoff, int workers, OperatorMetrics metrics) {
        if (workers < 1) {
            throw new IllegalArgumentException("a controller needs at least one worker, got " + workers);
        }
        this.kind = kind;
        this.reconciler = reconciler;
        this.metrics = metrics;
        this.workers = workers;
        this.queue = new WorkQueue<>(kind, backoff, depth -> metrics.queueDepth(kind, depth));
    }

    public String kind() {
        return kind;
    }

    public void enqueue(String key) {
        queue.add(key);
    }

    public void enqueueAfter(String key, Duration delay) {
        queue.addAfter(key, delay);
    }

    public int queueDepth() {
        return queue.depth();
    }

    public synchronized void start() {
        if (!threads.isEmpty()) {
            throw new IllegalStateException(kind + " controller already started");
        }
        for (int i = 0; i < workers; i++) {
            threads.add(Thread.ofVirtual().name(kind + "-reconciler-" + i).start(this::work));
        }
    }

    private void work() {
        try {
            while (true) {
                Optional<String> next = queue.take();
                if (next.isEmpty()) {
                    return;
                }
                String key = next.get();
                try {
                    reconcileOnce(key);
                } finally {
                    queue.done(key);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void reconcileOnce(String key) {
        long start = System.nanoTime();
        Outcome outcome;
        try {
            Result result = reconciler.reconcile(key);
            if (result.backoff()) {
                queue.addRateLimited(key);
                outcome = Outcome.ERROR;
            } else {
                queue.forget(key);
                result.requeueAfter().ifPresent(delay -> queue.addAfter(key, delay));
                outcome = result.requeueAfter().isPresent() ? Outcome.REQUEUE : Outcome.SUCCESS;
            }
        } catch (KubernetesClientException e) {
            queue.addRateLimited(key);
            if (Thread.currentThread().isInterrupted()) {
                outcome = Outcome.ERROR; // stopped mid-call: this term is over, nothing to report
            } else if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                // Someone wrote the object after our informer saw it; the retry reads the new version.
                LOG.log(Level.DEBUG, "{0} {1}: conflict, retrying with the newer version", kind, key);
                outcome = Outcome.REQUEUE;
            } else {
                LOG.log(Level.WARNING, kind + " " + key + ": Kubernetes API call failed, retrying with backoff", e);
                outcome = Outcome.ERROR;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = Outcome.ERROR;
        } catch (Exception e) {
            queue.addRateLimited(key);
            LOG.log(Level.ERROR, kind + " " + key + ": reconcile failed, retrying with backoff", e);
            outcome = Outcome.ERROR;
        }
        metrics.reconciled(kind, outcome, System.nanoTime() - start);
    }

    /** Stops taking keys, interrupts reconciles in flight and waits for the workers to end. */
    @Override
    public synchronized void close() {
        queue.close();
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                if (!t.join(JOIN_TIMEOUT)) {
                    LOG.log(Level.WARNING, "{0} did not stop within {1}", t.getName(), JOIN_TIMEOUT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        threads.clear();
    }
}
