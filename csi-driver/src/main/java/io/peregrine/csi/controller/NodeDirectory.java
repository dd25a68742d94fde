package io.peregrine.csi.controller;

import java.util.List;
import java.util.Optional;

/**
 * How the controller finds storage nodes and the nodes that consume volumes. In local mode
 * there is one node and its daemon's socket ({@link LocalNodeDirectory}); in a cluster the
 * StorageNode objects the operator maintains say where each node's dataplane and target are.
 */
public interface NodeDirectory {

    /**
     * Every storage node that can take new volumes and calls now, sorted by name (list paging
     * relies on a stable order).
     */
    List<StorageNode> storageNodes();

    /** The storage node of that name, if it can be called now. */
    Optional<StorageNode> storageNode(String name);

    /**
     * Why {@link #storageNode} has nothing for {@code name} although volumes may live there (the
     * node is offline, not ready, its StorageNode is missing): calls routed to it answer
     * UNAVAILABLE with this, so the CO retries instead of concluding the volume is gone. Empty
     * when the node is usable or certainly holds nothing.
     */
    default Optional<String> whyUnavailable(String name) {
        return Optional.empty();
    }

    /** The NVMe host NQN of the node a workload runs on (a CSI node id), to allow it on exports. */
    Optional<String> hostNqnOf(String nodeId);

    /** The CSI node id whose host NQN this is, for published_node_ids. */
    Optional<String> nodeIdOf(String hostNqn);
}
