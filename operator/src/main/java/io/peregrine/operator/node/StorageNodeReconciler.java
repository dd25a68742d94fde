package io.peregrine.operator.node;

import static io.peregrine.operator.crd.Condition.FALSE;
import static io.peregrine.operator.crd.Condition.TRUE;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.peregrine.operator.crd.Condition;
import io.peregrine.operator.crd.Crds;
import io.peregrine.operator.crd.NodeHealth;
import io.peregrine.operator.crd.NodeState;
import io.peregrine.operator.crd.StorageNode;
import io.peregrine.operator.crd.StorageNodeStatus;
import io.peregrine.operator.model.ConditionTypes;
import io.peregrine.operator.model.Conditions;
import io.peregrine.operator.model.Reasons;
import io.peregrine.operator.node.LeaseTracker.Alive;
import io.peregrine.operator.node.LeaseTracker.Expired;
import io.peregrine.operator.node.LeaseTracker.Missing;
import io.peregrine.operator.reconcile.EventRecorder;
import io.peregrine.operator.reconcile.EventRecorder.Type;
import io.peregrine.operator.reconcile.Reconciler;
import io.peregrine.operator.reconcile.Result;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Turns a StorageNode Online or Offline from its Lease ({@link LeaseTracker}), sets its Ready
 * condition from that and from the dataplane's own health report, and wakes itself when the
 * lease would run out — a timer at the deadline, not polling.
 */
public final class StorageNodeReconciler implements Reconciler {

    /** Past the deadline by this much before judging, so a renewal in flight is not missed. */
    private static final Duration SLACK = Duration.ofMillis(100);

    private final KubernetesClient client;
    private final Indexer<StorageNode> nodes;
    private final LeaseTracker leases;
    private final EventRecorder events;
    private final String leaseNamespace;
    private final Clock clock;

    public StorageNodeReconciler(
            KubernetesClient client,
            Indexer<StorageNode> nodes,
            LeaseTracker leases,
            EventRecorder events,
            String leaseNamespace,
            Clock clock) {
        this.client = client;
        this.nodes = nodes;
        this.leases = leases;
        this.events = events;
        this.leaseNamespace = leaseNamespace;
        this.clock = clock;
    }

    @Override
    public Result reconcile(String name) {
        StorageNode node = nodes.getByKey(name);
        if (node == null) {
            return Result.done();
        }
        StorageNodeStatus before = node.getStatus() == null ? StorageNodeStatus.empty() : node.getStatus();
        Instant now = clock.instant();
        String lease = leaseNamespace + "/" + Crds.nodeLeaseName(name);
        NodeState state;
        String ready;
        String reason;
        String message;
        Result next;
        switch (leases.liveness(name)) {
            case Alive alive -> {
                state = NodeState.Online;
                next = Result.after(Duration.between(now, alive.expiresAt()).plus(SLACK));
                String problems = notServing(before.health());
                if (problems == null) {
                    ready = TRUE;
                    reason = Reasons.LEASE_RENEWED;
                    message = "the node agent renews lease " + lease;
                } else {
                    ready = FALSE;
                    reason = Reasons.NOT_SERVING;
                    message = "the dataplane reports it is not serving: " + problems;
                }
            }
            case Expired expired -> {
                state = NodeState.Offline;
                next = Result.done(); // the lease informer wakes us on renewal
                ready = FALSE;
                reason = Reasons.LEASE_EXPIRED;
                message = "lease " + lease + " was not renewed for "
                        + expired.leaseDuration().toSeconds()
                        + "s (expired " + expired.expiredAt().truncatedTo(ChronoUnit.SECONDS)
                        + "): the node agent or its dataplane is down, or the node is unreachable. Check the"
                        + " Peregrine pods on node '" + name + "'.";
            }
            case Missing missing -> {
                if (now.isBefore(missing.graceUntil())) {
                    return Result.after(
                            Duration.between(now, missing.graceUntil()).plus(SLACK));
                }
                state = NodeState.Offline;
                next = Result.done();
                ready = FALSE;
                reason = Reasons.LEASE_MISSING;
                message = "there is no lease " + lease + ": the node agent has never heartbeated, or the lease"
                        + " was deleted. Check the Peregrine pods on node '" + name + "'.";
            }
        }
        long generation = node.getMetadata().getGeneration() == null
                ? 0
                : node.getMetadata().getGeneration();
        List<Condition> conditions =
                Conditions.put(before.conditions(), ConditionTypes.READY, ready, reason, message, generation, now);
        StorageNodeStatus after = before.withOperatorFields(state, conditions, generation);
        if (!after.equals(before)) {
            StorageNode copy = client.getKubernetesSerialization().clone(node);
            copy.setStatus(after);
            StorageNode written = client.resource(copy).updateStatus();
            if (state != before.state()) {
                events.record(
                        written,
                        state == NodeState.Online ? Type.Normal : Type.Warning,
                        state == NodeState.Online ? Reasons.NODE_ONLINE : Reasons.NODE_OFFLINE,
                        message);
            } else if (!Objects.equals(
                    reason,
                    Conditions.find(before.conditions(), ConditionTypes.READY)
                            .map(Condition::reason)
                            .orElse(null))) {
                events.record(written, TRUE.equals(ready) ? Type.Normal : Type.Warning, reason, message);
            }
        }
        return next;
    }

    /** Null when the dataplane serves (or has not said); else what its failing checks say. */
    private static String notServing(NodeHealth health) {
        if (health == null || !"NotServing".equals(health.status())) {
            return null;
        }
        String failing = health.checks().stream()
                .filter(c -> !c.ok())
                .map(c -> c.name() + (c.message() == null ? "" : ": " + c.message()))
                .collect(Collectors.joining("; "));
        return failing.isEmpty() ? "no reason given" : failing;
    }
}
