package io.peregrine.operator.observe;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The operator's Prometheus metrics, in one registry owned by one operator instance. Names follow
 * Prometheus conventions: {@code peregrine_operator_} prefix, base units, {@code _total} on
 * counters.
 */
public final class OperatorMetrics {

    /** Outcomes of one reconcile: finished, finished with a timed requeue, or threw (retried with backoff). */
    public enum Outcome {
        SUCCESS("success"),
        REQUEUE("requeue"),
        ERROR("error");

        final String label;

        Outcome(String label) {
            this.label = label;
        }
    }

    private final PrometheusRegistry registry;
    private final Counter reconciles;
    private final Histogram reconcileDuration;
    private final Gauge queueDepth;
    private final Gauge leader;
    private final Counter dataplaneCalls;
    private final Histogram dataplaneCallDuration;
    private final Counter eventWriteFailures;
    private final AtomicReference<Supplier<Map<String, Long>>> nodesByState = new AtomicReference<>(Map::of);
    private final AtomicReference<Supplier<Map<String, Long>>> poolsByPhase = new AtomicReference<>(Map::of);

    public OperatorMetrics() {
        this(new PrometheusRegistry());
    }

    public OperatorMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        reconciles = Counter.builder()
                .name("peregrine_operator_reconcile_total")
                .help("Reconciles run, by resource kind and result (success, requeue, error).")
                .labelNames("kind", "result")
                .register(registry);
        reconcileDuration = Histogram.builder()
                .name("peregrine_operator_reconcile_duration_seconds")
                .help("Time one reconcile took, dataplane calls included.")
                .unit(Unit.SECONDS)
                .classicUpperBounds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
                .classicOnly()
                .labelNames("kind")
                .register(registry);
        queueDepth = Gauge.builder()
                .name("peregrine_operator_queue_depth")
                .help("Objects waiting for a reconcile worker, by kind.")
                .labelNames("kind")
                .register(registry);
        leader = Gauge.builder()
                .name("peregrine_operator_leader")
                .help("1 while this replica holds the leader lease and reconciles, 0 on standby.")
                .register(registry);
        leader.set(0);
        dataplaneCalls = Counter.builder()
                .name("peregrine_operator_dataplane_calls_total")
                .help("Management API calls to dataplanes, by method and gRPC status code.")
                .labelNames("method", "code")
                .register(registry);
        dataplaneCallDuration = Histogram.builder()
                .name("peregrine_operator_dataplane_call_duration_seconds")
                .help("Management API call latency, by method.")
                .unit(Unit.SECONDS)
                .classicUpperBounds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
                .classicOnly()
                .labelNames("method")
                .register(registry);
        eventWriteFailures = Counter.builder()
                .name("peregrine_operator_event_write_failures_total")
                .help("Kubernetes Events the operator could not write (the transition is still in status).")
                .register(registry);
        GaugeWithCallback.builder()
                .name("peregrine_operator_storage_nodes")
                .help("StorageNodes by state, as the leader's cache sees them.")
                .labelNames("state")
                .callback(cb -> nodesByState.get().get().forEach((state, n) -> cb.call(n, state)))
                .register(registry);
        GaugeWithCallback.builder()
                .name("peregrine_operator_disk_pools")
                .help("DiskPools by phase, as the leader's cache sees them.")
                .labelNames("phase")
                .callback(cb -> poolsByPhase.get().get().forEach((phase, n) -> cb.call(n, phase)))
                .register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public void reconciled(String kind, Outcome outcome, long nanos) {
        reconciles.labelValues(kind, outcome.label).inc();
        reconcileDuration.labelValues(kind).observe(nanos / 1e9);
    }

    public double reconcileCount(String kind, Outcome outcome) {
        return reconciles.labelValues(kind, outcome.label).get();
    }

    public void queueDepth(String kind, int depth) {
        queueDepth.labelValues(kind).set(depth);
    }

    public void leader(boolean leading) {
        leader.set(leading ? 1 : 0);
    }

    public boolean isLeader() {
        return leader.get() == 1;
    }

    public void dataplaneCall(String method, String code, long nanos) {
        dataplaneCalls.labelValues(method, code).inc();
        dataplaneCallDuration.labelValues(method).observe(nanos / 1e9);
    }

    public double dataplaneCallCount(String method, String code) {
        return dataplaneCalls.labelValues(method, code).get();
    }

    public void eventWriteFailed() {
        eventWriteFailures.inc();
    }

    /** Where the per-state and per-phase gauges read from; the leader's caches while it leads. */
    public void inventory(Supplier<Map<String, Long>> nodes, Supplier<Map<String, Long>> pools) {
        nodesByState.set(nodes);
        poolsByPhase.set(pools);
    }
}
