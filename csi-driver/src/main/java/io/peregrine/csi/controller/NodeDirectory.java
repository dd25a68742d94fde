package io.peregrine.csi.controller;

import java.util.List;
import java.util.Optional;

/**
 * How the controller finds storage nodes and the nodes that consume volumes. In local mode
 * there is one node and its daemon's socket ({@link LocalNodeDirectory}); in a cluster the
 * StorageNode objects the operator maintains say where each node's dataplane and target are.
 */
public interface NodeDirectory {

    /** Every storage node, sorted by name (list paging relies on a stable order). */
    List<StorageNode> storageNodes();

    Optional<StorageNode> storageNode(String name);

    /** The NVMe host NQN of the node a workload runs on (a CSI node id), to allow it on exports. */
    Optional<String> hostNqnOf(String nodeId);

    /** The CSI node id whose host NQN this is, for published_node_ids. */
    Optional<String> nodeIdOf(String hostNqn);
}
