package io.peregrine.csi.controller;

import io.grpc.StatusRuntimeException;
import io.peregrine.csi.dataplane.DataplaneClient;
import io.peregrine.csi.volume.TargetAddress;
import io.peregrine.dataplane.api.v1.NodeInfo;
import io.peregrine.dataplane.api.v1.TransportAddress;
import java.util.List;
import java.util.Optional;

/**
 * Local mode: one machine is both the storage node and the consumer. Its dataplane is the
 * daemon on the local socket; its host NQN is the node plugin's. Wildcard listeners (0.0.0.0,
 * ::) are reached on loopback.
 */
public final class LocalNodeDirectory implements NodeDirectory {

    private final String nodeName;
    private final DataplaneClient dataplane;
    private final String hostNqn;
    private final StorageNode node;

    public LocalNodeDirectory(String nodeName, DataplaneClient dataplane, String hostNqn) {
        this.nodeName = nodeName;
        this.dataplane = dataplane;
        this.hostNqn = hostNqn;
        this.node = new StorageNode(nodeName, dataplane, this::targets);
    }

    @Override
    public List<StorageNode> storageNodes() {
        return List.of(node);
    }

    @Override
    public Optional<StorageNode> storageNode(String name) {
        return nodeName.equals(name) ? Optional.of(node) : Optional.empty();
    }

    @Override
    public Optional<String> hostNqnOf(String nodeId) {
        return nodeName.equals(nodeId) ? Optional.of(hostNqn) : Optional.empty();
    }

    @Override
    public Optional<String> nodeIdOf(String nqn) {
        return hostNqn.equals(nqn) ? Optional.of(nodeName) : Optional.empty();
    }

    /** The target's listeners as the daemon reports them; asked each time, as they may change. */
    private List<TargetAddress> targets() {
        NodeInfo info;
        try {
            info = dataplane.nodeInfo();
        } catch (StatusRuntimeException e) {
            return List.of(); // unreachable: publishing fails later with the dataplane's own error
        }
        return info.getListenersList().stream()
                .filter(l -> "tcp".equals(l.getTrtype()))
                .map(LocalNodeDirectory::reachable)
                .toList();
    }

    private static TargetAddress reachable(TransportAddress listener) {
        String addr = switch (listener.getTraddr()) {
            case "0.0.0.0", "" -> "127.0.0.1";
            case "::", "[::]" -> "::1";
            default -> listener.getTraddr();
        };
        return TargetAddress.tcp(addr, Integer.parseInt(listener.getTrsvcid()));
    }
}
