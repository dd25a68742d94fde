package io.peregrine.operator.node;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.peregrine.operator.crd.Crds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Judges node leases by when <em>this process</em> saw them renewed, not by the renewTime the
 * agent wrote: the agent's clock and ours may disagree by more than a lease duration, and a
 * renewal we watched happen is proof of life whatever its timestamp says. (Kubernetes' node
 * lifecycle controller judges node leases the same way.)
 *
 * <p>Consequences: a lease first seen when this replica starts leading counts as renewed then, so
 * a new leader never marks nodes Offline before one full lease duration; a StorageNode without any
 * lease gets the same grace, counted from when this tracker was created.
 */
public final class LeaseTracker {

    /** Liveness of one node's agent. */
    public sealed interface Liveness {}

    /** Renewed within its duration; judged again at {@code expiresAt}. */
    public record Alive(Instant expiresAt) implements Liveness {}

    /** Not renewed for a whole duration. */
    public record Expired(Instant expiredAt, Duration leaseDuration) implements Liveness {}

    /** No lease; Offline once {@code graceUntil} has passed. */
    public record Missing(Instant graceUntil) implements Liveness {}

    private record Observation(ZonedDateTime renewTime, Duration duration, Instant observedAt) {}

    private final Clock clock;
    private final Duration defaultDuration;
    private final Instant started;
    private final ConcurrentMap<String, Observation> leases = new ConcurrentHashMap<>();

    /** @param defaultDuration the lease duration assumed when a lease does not state one, and the grace period */
    public LeaseTracker(Clock clock, Duration defaultDuration) {
        this.clock = clock;
        this.defaultDuration = defaultDuration;
        this.started = clock.instant();
    }

    /**
     * Records a lease the informer delivered.
     *
     * @return the node it belongs to, or empty for a lease that is not a node lease
     */
    public Optional<String> observe(Lease lease) {
        Optional<String> node = nodeOf(lease);
        node.ifPresent(name -> leases.compute(name, (n, previous) -> {
            ZonedDateTime renewTime =
                    lease.getSpec() == null ? null : lease.getSpec().getRenewTime();
            Duration duration = duration(lease);
            if (previous != null && Objects.equals(previous.renewTime, renewTime)) {
                return new Observation(renewTime, duration, previous.observedAt);
            }
            return new Observation(renewTime, duration, clock.instant());
        }));
        return node;
    }

    /** Forgets a deleted lease; returns its node. */
    public Optional<String> forget(Lease lease) {
        Optional<String> node = nodeOf(lease);
        node.ifPresent(leases::remove);
        return node;
    }

    public Liveness liveness(String nodeName) {
        Observation o = leases.get(nodeName);
        if (o == null) {
            return new Missing(started.plus(defaultDuration));
        }
        Instant expiresAt = o.observedAt.plus(o.duration);
        return clock.instant().isBefore(expiresAt) ? new Alive(expiresAt) : new Expired(expiresAt, o.duration);
    }

    private Duration duration(Lease lease) {
        Integer seconds = lease.getSpec() == null ? null : lease.getSpec().getLeaseDurationSeconds();
        return seconds == null || seconds <= 0 ? defaultDuration : Duration.ofSeconds(seconds);
    }

    /** The StorageNode a lease belongs to: its label, or its name after the node-lease prefix. */
    public static Optional<String> nodeOf(Lease lease) {
        var labels = lease.getMetadata().getLabels();
        if (labels != null && labels.get(Crds.NODE_LABEL) != null) {
            return Optional.of(labels.get(Crds.NODE_LABEL));
        }
        String name = lease.getMetadata().getName();
        if (name != null
                && name.startsWith(Crds.NODE_LEASE_PREFIX)
                && name.length() > Crds.NODE_LEASE_PREFIX.length()) {
            return Optional.of(name.substring(Crds.NODE_LEASE_PREFIX.length()));
        }
        return Optional.empty();
    }
}
