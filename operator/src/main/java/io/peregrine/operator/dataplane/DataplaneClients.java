package io.peregrine.operator.dataplane;

import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.peregrine.operator.observe.OperatorMetrics;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * One channel per dataplane endpoint, opened on first use and kept: gRPC channels reconnect by
 * themselves, so a dataplane that restarts at the same address needs nothing from us. A node whose
 * endpoint changes or that disappears is {@link #evict evicted}.
 */
public final class DataplaneClients implements AutoCloseable {

    private final ChannelFactory factory;
    private final Duration callTimeout;
    private final CallMetricsInterceptor interceptor;
    private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();

    private record Entry(ManagedChannel channel, Dataplane dataplane) {}

    public DataplaneClients(ChannelFactory factory, Duration callTimeout, OperatorMetrics metrics) {
        this.factory = factory;
        this.callTimeout = callTimeout;
        this.interceptor = new CallMetricsInterceptor(metrics);
    }

    /**
     * @throws IllegalArgumentException when {@code endpoint} is not an endpoint
     * @throws DataplaneConfigException when this operator cannot reach that kind of endpoint
     */
    public Dataplane forEndpoint(String endpoint) {
        return entries.computeIfAbsent(endpoint, e -> {
                    ManagedChannel channel = factory.open(ManagementEndpoint.parse(e));
                    return new Entry(
                            channel, new Dataplane(e, ClientInterceptors.intercept(channel, interceptor), callTimeout));
                })
                .dataplane();
    }

    public void evict(String endpoint) {
        Entry entry = entries.remove(endpoint);
        if (entry != null) {
            entry.channel.shutdown();
        }
    }

    @Override
    public void close() {
        entries.values().forEach(e -> e.channel.shutdownNow());
        for (Entry e : entries.values()) {
            try {
                e.channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        entries.clear();
        factory.close();
    }
}
