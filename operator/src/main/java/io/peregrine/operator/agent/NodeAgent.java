package io.peregrine.operator.agent;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.grpc.StatusRuntimeException;
import io.peregrine.dataplane.api.v1.CheckHealthRequest;
import io.peregrine.dataplane.api.v1.GetNodeInfoRequest;
import io.peregrine.dataplane.api.v1.Health;
import io.peregrine.dataplane.api.v1.NodeInfo;
import io.peregrine.dataplane.api.v1.NodeServiceGrpc.NodeServiceBlockingStub;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The node agent: beside the dataplane on each node, it asks the dataplane what it is (NodeInfo,
 * Health) and tells the cluster ({@link StorageNodeRegistrar}). It renews the node's Lease only
 * while the dataplane answers, so the Lease means "this node's storage is reachable" and the
 * operator turns the node Offline when the dataplane dies, not only when the agent does.
 *
 * <p>The dataplane daemon itself knows nothing of Kubernetes (DESIGN.md: the dataplane must not
 * know Kubernetes objects); this agent is the bridge, run as a sidecar or as a thread of a
 * launcher that embeds both.
 */
public final class NodeAgent implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(NodeAgent.class.getName());
    private static final Duration MIN_CALL_TIMEOUT = Duration.ofSeconds(5);

    private final StorageNodeRegistrar registrar;
    private final NodeServiceBlockingStub dataplane;
    private final String managementEndpoint;
    private final Duration renewInterval;
    private final Duration callTimeout;
    private Thread thread;
    private volatile boolean dataplaneAnswering;

    /**
     * @param dataplane the local dataplane's NodeService (usually over its Unix socket)
     * @param managementEndpoint what to advertise in status.managementEndpoint
     * @param renewInterval how often to heartbeat; a third of the lease duration tolerates two misses
     */
    public NodeAgent(
            StorageNodeRegistrar registrar,
            NodeServiceBlockingStub dataplane,
            String managementEndpoint,
            Duration renewInterval) {
        this.registrar = registrar;
        this.dataplane = dataplane;
        this.managementEndpoint = managementEndpoint;
        this.renewInterval = renewInterval;
        // A slow answer is still an answer: only a dataplane that cannot reply within a few seconds
        // (or the renew interval, if longer) stops the heartbeat.
        this.callTimeout = renewInterval.compareTo(MIN_CALL_TIMEOUT) > 0 ? renewInterval : MIN_CALL_TIMEOUT;
    }

    /** One heartbeat: ask the dataplane, then renew the lease and register. Returns whether the dataplane answered. */
    public boolean beat() {
        NodeInfo info;
        Health health;
        try {
            var stub = dataplane.withDeadlineAfter(callTimeout.toNanos(), TimeUnit.NANOSECONDS);
            info = stub.getNodeInfo(GetNodeInfoRequest.getDefaultInstance());
            health = stub.checkHealth(CheckHealthRequest.getDefaultInstance());
        } catch (StatusRuntimeException e) {
            if (dataplaneAnswering) {
                Throwable cause = e.getStatus().getCause();
                LOG.log(
                        Level.WARNING,
                        "the dataplane stopped answering ({0}{1}{2}); not renewing the lease of node {3}",
                        e.getStatus().getCode(),
                        e.getStatus().getDescription() == null
                                ? ""
                                : ": " + e.getStatus().getDescription(),
                        cause == null ? "" : ": " + cause.getMessage(),
                        registrar.nodeName());
            }
            dataplaneAnswering = false;
            return false;
        }
        if (!dataplaneAnswering) {
            LOG.log(Level.INFO, "the dataplane answers; heartbeating node {0}", registrar.nodeName());
        }
        dataplaneAnswering = true;
        registrar.renewLease();
        registrar.register(info, health, managementEndpoint);
        return true;
    }

    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("node agent already started");
        }
        thread = Thread.ofVirtual().name("node-agent-" + registrar.nodeName()).start(this::run);
    }

    private void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                beat();
            } catch (KubernetesClientException e) {
                if (Thread.currentThread().isInterrupted()) {
                    return; // closed mid-heartbeat
                }
                LOG.log(Level.WARNING, "heartbeat of node " + registrar.nodeName() + " failed; retrying", e);
            }
            try {
                Thread.sleep(renewInterval);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops heartbeating; the lease then expires and the node goes Offline. */
    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }
}
