package io.peregrine.dataplane.server;

/** Where the server reports each finished call (the metrics endpoint's API counters). */
@FunctionalInterface
public interface CallMetrics {
    CallMetrics NONE = (method, code, nanos) -> {};

    /**
     * @param method {@code Service/Method}, e.g. {@code PoolService/CreatePool}
     * @param code the gRPC status code's name, e.g. {@code OK}, {@code NOT_FOUND}
     */
    void record(String method, String code, long nanos);
}
