package io.peregrine.csi.cluster;

import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.peregrine.csi.dataplane.DataplaneClient;
import io.peregrine.csi.dataplane.ReconnectPromptly;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One management-API channel per storage node, kept while the node's endpoint stays the same:
 * channels are expensive (a TLS handshake each) and gRPC reconnects them by itself. A new
 * endpoint (the dataplane pod moved) or a reloaded client certificate builds a new channel; the
 * old one finishes its calls and closes.
 */
public final class ChannelCache implements AutoCloseable {

    private static final Logger LOG = System.getLogger(ChannelCache.class.getName());

    private record Entry(
            ManagementEndpoint endpoint, long generation, ManagedChannel channel, DataplaneClient client) {}

    private final DataplaneChannels channels;
    private final String serverName;
    private final Duration deadline;
    private final Duration longDeadline;
    private final Map<String, Entry> byNode = new HashMap<>();
    private boolean closed;

    /**
     * @param serverName the name dataplane certificates carry, for error messages
     * @param deadline limit of ordinary management calls
     * @param longDeadline limit of calls that copy data
     */
    public ChannelCache(DataplaneChannels channels, String serverName, Duration deadline, Duration longDeadline) {
        this.channels = channels;
        this.serverName = serverName;
        this.deadline = deadline;
        this.longDeadline = longDeadline;
    }

    /**
     * The client for {@code node}'s dataplane at {@code endpoint}.
     *
     * @throws IllegalArgumentException when no channel can be opened to it with this configuration
     */
    public synchronized DataplaneClient client(String node, ManagementEndpoint endpoint) {
        if (closed) throw new IllegalStateException("the controller is shutting down");
        long generation = channels.generation();
        Entry entry = byNode.get(node);
        if (entry != null && entry.endpoint().equals(endpoint) && entry.generation() == generation) {
            return entry.client();
        }
        ManagedChannel channel = channels.open(endpoint);
        // a restarted dataplane is reachable by the next call, not after gRPC's reconnect backoff
        var intercepted = ClientInterceptors.intercept(
                ReconnectPromptly.wrap(channel), new TlsFailureInterceptor(node, endpoint, serverName));
        Entry fresh = new Entry(
                endpoint, generation, channel, new DataplaneClient(node, intercepted, deadline, longDeadline));
        byNode.put(node, fresh);
        if (entry != null) {
            LOG.log(
                    Level.INFO,
                    "storage node {0}: dataplane channel to {1} replaces {2}{3}",
                    node,
                    endpoint,
                    entry.endpoint(),
                    entry.generation() != generation ? " (client certificate reloaded)" : "");
            entry.channel().shutdown(); // calls in flight finish on it
        }
        return fresh.client();
    }

    /** Closes the channel to a node that is gone. */
    public synchronized void forget(String node) {
        Entry entry = byNode.remove(node);
        if (entry != null) entry.channel().shutdown();
    }

    /** Nodes with an open channel, for tests and diagnostics. */
    public synchronized Map<String, ManagementEndpoint> endpoints() {
        Map<String, ManagementEndpoint> out = new HashMap<>();
        byNode.forEach((node, e) -> out.put(node, e.endpoint()));
        return out;
    }

    @Override
    public void close() {
        Map<String, Entry> open;
        synchronized (this) {
            closed = true;
            open = new HashMap<>(byNode);
            byNode.clear();
        }
        open.values().forEach(e -> e.channel().shutdown());
        for (Entry e : open.values()) {
            try {
                if (!e.channel().awaitTermination(2, TimeUnit.SECONDS))
                    e.channel().shutdownNow();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                e.channel().shutdownNow();
            }
        }
    }
}
