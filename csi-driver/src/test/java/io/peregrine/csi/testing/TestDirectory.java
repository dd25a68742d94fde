package io.peregrine.csi.testing;

import io.peregrine.csi.controller.NodeDirectory;
import io.peregrine.csi.controller.StorageNode;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fixed cluster of storage nodes and consumer nodes for controller tests that need no API
 * server; {@code cluster/KubernetesNodeDirectoryTest} covers the StorageNode-backed one.
 */
public record TestDirectory(List<StorageNode> nodes, Map<String, String> hostNqns) implements NodeDirectory {

    public TestDirectory {
        nodes = nodes.stream().sorted(Comparator.comparing(StorageNode::name)).toList();
        hostNqns = Map.copyOf(hostNqns);
    }

    @Override
    public List<StorageNode> storageNodes() {
        return nodes;
    }

    @Override
    public Optional<StorageNode> storageNode(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    @Override
    public Optional<String> hostNqnOf(String nodeId) {
        return Optional.ofNullable(hostNqns.get(nodeId));
    }

    @Override
    public Optional<String> nodeIdOf(String hostNqn) {
        return hostNqns.entrySet().stream()
                .filter(e -> e.getValue().equals(hostNqn))
                .map(Map.Entry::getKey)
                .findFirst();
    }
}
