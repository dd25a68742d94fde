package io.peregrine.operator.dataplane;

import io.grpc.Channel;
import io.peregrine.dataplane.api.v1.NodeServiceGrpc;
import io.peregrine.dataplane.api.v1.NodeServiceGrpc.NodeServiceBlockingStub;
import io.peregrine.dataplane.api.v1.PoolServiceGrpc;
import io.peregrine.dataplane.api.v1.PoolServiceGrpc.PoolServiceBlockingStub;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One dataplane's management API. Every stub it hands out carries a fresh deadline, so a hung
 * dataplane costs one call timeout, never a stuck reconcile worker.
 */
public final class Dataplane {

    private final String endpoint;
    private final PoolServiceBlockingStub pools;
    private final NodeServiceBlockingStub nodes;
    private final Duration callTimeout;

    Dataplane(String endpoint, Channel channel, Duration callTimeout) {
        this.endpoint = endpoint;
        this.pools = PoolServiceGrpc.newBlockingStub(channel);
        this.nodes = NodeServiceGrpc.newBlockingStub(channel);
        this.callTimeout = callTimeout;
    }

    public String endpoint() {
        return endpoint;
    }

    public PoolServiceBlockingStub pools() {
        return pools.withDeadlineAfter(callTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    public NodeServiceBlockingStub nodes() {
        return nodes.withDeadlineAfter(callTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }
}
