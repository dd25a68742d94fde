package io.peregrine.operator;

import io.peregrine.operator.leader.LeaderElection;
import io.peregrine.operator.reconcile.Backoff;
import java.time.Duration;

/**
 * Everything an {@link Operator} instance is told; {@link OperatorOptions} builds it from the
 * command line and environment.
 *
 * @param namespace where the leader lease and the node leases live (the operator's namespace)
 * @param identity this replica's name in the leader lease (the pod name)
 * @param workers reconcile workers per kind (virtual threads)
 * @param nodeLeaseDuration assumed for a node lease that states none, and the grace period before
 *     a StorageNode without a lease is judged Offline
 * @param poolRefresh how often an existing pool's capacity and volume count are read again
 * @param dataplaneCallTimeout deadline of each management API call
 * @param resync how often informers replay their whole cache, a safety net for missed events
 */
public record OperatorConfig(
        String namespace,
        String identity,
        String leaderLeaseName,
        LeaderElection.Timing leaderTiming,
        int workers,
        Duration nodeLeaseDuration,
        Duration poolRefresh,
        Duration dataplaneCallTimeout,
        Backoff backoff,
        Duration resync) {

    public static final String DEFAULT_LEADER_LEASE = "peregrine-operator";

    public static OperatorConfig defaults(String namespace, String identity) {
        return new OperatorConfig(
                namespace,
                identity,
                DEFAULT_LEADER_LEASE,
                LeaderElection.Timing.DEFAULT,
                8,
                Duration.ofSeconds(40),
                Duration.ofSeconds(60),
                Duration.ofSeconds(60),
                Backoff.DEFAULT,
                Duration.ofMinutes(10));
    }

    public OperatorConfig withLeaderTiming(LeaderElection.Timing timing) {
        return new OperatorConfig(
                namespace,
                identity,
                leaderLeaseName,
                timing,
                workers,
                nodeLeaseDuration,
                poolRefresh,
                dataplaneCallTimeout,
                backoff,
                resync);
    }

    public OperatorConfig withNodeLeaseDuration(Duration duration) {
        return new OperatorConfig(
                namespace,
                identity,
                leaderLeaseName,
                leaderTiming,
                workers,
                duration,
                poolRefresh,
                dataplaneCallTimeout,
                backoff,
                resync);
    }

    public OperatorConfig withPoolRefresh(Duration refresh) {
        return new OperatorConfig(
                namespace,
                identity,
                leaderLeaseName,
                leaderTiming,
                workers,
                nodeLeaseDuration,
                refresh,
                dataplaneCallTimeout,
                backoff,
                resync);
    }

    public OperatorConfig withBackoff(Backoff b) {
        return new OperatorConfig(
                namespace,
                identity,
                leaderLeaseName,
                leaderTiming,
                workers,
                nodeLeaseDuration,
                poolRefresh,
                dataplaneCallTimeout,
                b,
                resync);
    }

    public OperatorConfig withWorkers(int n) {
        return new OperatorConfig(
                namespace,
                identity,
                leaderLeaseName,
                leaderTiming,
                n,
                nodeLeaseDuration,
                poolRefresh,
                dataplaneCallTimeout,
                backoff,
                resync);
    }

    public OperatorConfig withDataplaneCallTimeout(Duration timeout) {
        return new OperatorConfig(
                namespace,
                identity,
                leaderLeaseName,
                leaderTiming,
                workers,
                nodeLeaseDuration,
                poolRefresh,
                timeout,
                backoff,
                resync);
    }
}
