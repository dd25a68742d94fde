package io.peregrine.csi.controller;

import io.grpc.StatusRuntimeException;
import io.peregrine.csi.dataplane.DataplaneClient;
import io.peregrine.csi.identity.Readiness;
import io.peregrine.dataplane.api.v1.Health;
import io.peregrine.dataplane.api.v1.HealthCheck;
import java.time.Duration;
import java.util.stream.Collectors;

/**
 * The controller is ready when the dataplanes it manages answer: SERVING or DEGRADED is ready
 * (degraded pools still serve), NOT_SERVING is "still starting", no answer is unhealthy.
 */
public final class DataplaneReadiness implements Readiness.Check {

    private static final Duration LIMIT = Duration.ofSeconds(3);

    private final NodeDirectory directory;

    public DataplaneReadiness(NodeDirectory directory) {
        this.directory = directory;
    }

    @Override
    public Readiness check() {
        for (StorageNode node : directory.storageNodes()) {
            Readiness r = check(node.name(), node.dataplane());
            if (!(r instanceof Readiness.Ready)) return r;
        }
        return new Readiness.Ready();
    }

    static Readiness check(String node, DataplaneClient dataplane) {
        Health health;
        try {
            health = dataplane.checkHealth(LIMIT);
        } catch (StatusRuntimeException e) {
            return new Readiness.Unhealthy("the dataplane on " + node + " does not answer ("
                    + e.getStatus().getCode()
                    + (e.getStatus().getDescription() == null
                            ? ""
                            : ": " + e.getStatus().getDescription()) + "); is the node daemon running?");
        }
        return switch (health.getStatus()) {
            case SERVING, DEGRADED -> new Readiness.Ready();
            default ->
                new Readiness.Starting("the dataplane on " + node + " is " + health.getStatus() + ": "
                        + health.getChecksList().stream()
                                .filter(c -> !c.getOk())
                                .map(HealthCheck::getMessage)
                                .collect(Collectors.joining("; ")));
        };
    }
}
