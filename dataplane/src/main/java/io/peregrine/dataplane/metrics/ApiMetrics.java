package io.peregrine.dataplane.metrics;

import io.peregrine.dataplane.server.CallMetrics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * Management API calls, counted by method and status code and timed by method: {@code
 * peregrine_api_calls_total} and {@code peregrine_api_call_duration_seconds}. Calls are rare next
 * to I/O, so the Prometheus client's own (lock-free) counters serve here.
 */
public final class ApiMetrics implements CallMetrics {
    private final Counter calls;
    private final Histogram duration;

    public ApiMetrics(PrometheusRegistry registry) {
        this.calls = Counter.builder()
                .name("peregrine_api_calls_total")
                .help("Management API calls answered, by method and gRPC status code")
                .labelNames("method", "code")
                .register(registry);
        this.duration = Histogram.builder()
                .name("peregrine_api_call_duration_seconds")
                .help("Management API call latency, by method")
                .unit(Unit.SECONDS)
                .labelNames("method")
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
                .classicOnly()
                .register(registry);
    }

    @Override
    public void record(String method, String code, long nanos) {
        calls.labelValues(method, code).inc();
        duration.labelValues(method).observe(nanos / 1e9);
    }
}
