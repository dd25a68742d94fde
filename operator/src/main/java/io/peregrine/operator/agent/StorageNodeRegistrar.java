package io.peregrine.operator.agent;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.peregrine.dataplane.api.v1.Health;
import io.peregrine.dataplane.api.v1.NodeInfo;
import io.peregrine.operator.crd.Crds;
import io.peregrine.operator.crd.StorageNode;
import io.peregrine.operator.crd.StorageNodeSpec;
import io.peregrine.operator.crd.StorageNodeStatus;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The node agent's side of the StorageNode contract, free of any dataplane internals: it takes the
 * management API's {@link NodeInfo} and {@link Health}, creates or updates this node's
 * StorageNode (spec, and the agent-owned status fields), and renews the Lease
 * {@code peregrine-node-<node>} that tells the operator the node is alive.
 *
 * <p>Writes are cheap and rare: the Lease carries the heartbeat; the StorageNode is written when
 * what the dataplane reports changes, or every {@code statusInterval} to refresh
 * {@code lastHeartbeatTime}. Both use optimistic concurrency and carry the operator's fields over.
 */
public final class StorageNodeRegistrar {

    private static final int ATTEMPTS = 5;
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]");

    private final KubernetesClient client;
    private final String namespace;
    private final String nodeName;
    private final Duration leaseDuration;
    private final Duration statusInterval;
    private final Clock clock;

    /**
     * @param namespace where node Leases live: the namespace the operator watches
     * @param statusInterval how stale status.lastHeartbeatTime may get when nothing else changes
     */
    public StorageNodeRegistrar(
            KubernetesClient client,
            String namespace,
            String nodeName,
            Duration leaseDuration,
            Duration statusInterval,
            Clock clock) {
        if (leaseDuration.toSeconds() < 1) {
            throw new IllegalArgumentException("a lease lasts at least one second, got " + leaseDuration);
        }
        this.client = client;
        this.namespace = namespace;
        this.nodeName = nodeName;
        this.leaseDuration = leaseDuration;
        this.statusInterval = statusInterval;
        this.clock = clock;
    }

    public String nodeName() {
        return nodeName;
    }

    /**
     * Creates or updates this node's StorageNode from what the dataplane reports.
     *
     * @param managementEndpoint where other components reach this dataplane's management API
     *     (host:port with mutual TLS, or unix:///path); NodeInfo does not know it
     * @return whether anything was written
     */
    public boolean register(NodeInfo info, Health health, String managementEndpoint) {
        StorageNodeSpec spec = NodeInfoMapping.spec(nodeName, info);
        for (int attempt = 1; ; attempt++) {
            try {
                return registerOnce(spec, info, health, managementEndpoint);
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == ATTEMPTS) {
                    throw e;
                }
                // The operator wrote status between our read and write: read again.
            }
        }
    }

    private boolean registerOnce(StorageNodeSpec spec, NodeInfo info, Health health, String endpoint) {
        var resource = client.resources(StorageNode.class).withName(nodeName);
        StorageNode current = resource.get();
        boolean wrote = false;
        if (current == null) {
            StorageNode created = new StorageNode();
            created.setMetadata(new ObjectMetaBuilder()
                    .withName(nodeName)
                    .withLabels(Map.of("app.kubernetes.io/managed-by", "peregrine-node-agent"))
                    .build());
            created.setSpec(spec);
            current = client.resource(created).create();
            wrote = true;
        } else if (!spec.equals(current.getSpec())) {
            StorageNode edited = client.getKubernetesSerialization().clone(current);
            edited.setSpec(spec);
            current = client.resource(edited).update();
            wrote = true;
        }
        StorageNodeStatus existing = current.getStatus() == null ? StorageNodeStatus.empty() : current.getStatus();
        // Compare with the previous heartbeat time so that only a real change, or age, writes.
        StorageNodeStatus same = existing.withAgentFields(
                NodeInfoMapping.agentStatus(nodeName, info, health, endpoint, parse(existing.lastHeartbeatTime())));
        Instant now = clock.instant();
        Instant last = parse(existing.lastHeartbeatTime());
        boolean stale = last == null || !now.isBefore(last.plus(statusInterval));
        if (same.equals(existing) && !stale) {
            return wrote;
        }
        StorageNode edited = client.getKubernetesSerialization().clone(current);
        edited.setStatus(existing.withAgentFields(NodeInfoMapping.agentStatus(nodeName, info, health, endpoint, now)));
        client.resource(edited).updateStatus();
        return true;
    }

    /**
     * Renews (or creates) this node's Lease. Call it every lease duration / 3 or so, and only while
     * the dataplane answers: the lease means "this node's storage is reachable".
     */
    public void renewLease() {
        for (int attempt = 1; ; attempt++) {
            try {
                renewLeaseOnce();
                return;
            } catch (KubernetesClientException e) {
                boolean retry = e.getCode() == HttpURLConnection.HTTP_CONFLICT;
                if (!retry || attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private void renewLeaseOnce() {
        String name = Crds.nodeLeaseName(nodeName);
        ZonedDateTime now = ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        int seconds = Math.toIntExact(leaseDuration.toSeconds());
        var leases = client.leases().inNamespace(namespace);
        Lease current = leases.withName(name).get();
        if (current == null) {
            ObjectMetaBuilder meta = new ObjectMetaBuilder().withName(name).withNamespace(namespace);
            if (LABEL_VALUE.matcher(nodeName).matches()) {
                meta.addToLabels(Crds.NODE_LABEL, nodeName);
            }
            leases.resource(new LeaseBuilder()
                            .withMetadata(meta.build())
                            .withNewSpec()
                            .withHolderIdentity(nodeName)
                            .withLeaseDurationSeconds(seconds)
                            .withAcquireTime(now)
                            .withRenewTime(now)
                            .withLeaseTransitions(0)
                            .endSpec()
                            .build())
                    .create();
            return;
        }
        Lease renewed = client.getKubernetesSerialization().clone(current);
        boolean newHolder = !Objects.equals(nodeName, renewed.getSpec().getHolderIdentity());
        renewed.getSpec().setHolderIdentity(nodeName);
        renewed.getSpec().setLeaseDurationSeconds(seconds);
        renewed.getSpec().setRenewTime(now);
        if (newHolder || renewed.getSpec().getAcquireTime() == null) {
            renewed.getSpec().setAcquireTime(now);
        }
        leases.resource(renewed).update();
    }

    /** Deletes this node's Lease, so the operator marks the node Offline now rather than at expiry. */
    public void releaseLease() {
        client.leases()
                .inNamespace(namespace)
                .withName(Crds.nodeLeaseName(nodeName))
                .delete();
    }

    private static Instant parse(String time) {
        try {
            return time == null ? null : Instant.parse(time);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
