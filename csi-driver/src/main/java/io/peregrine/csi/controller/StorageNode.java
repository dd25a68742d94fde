package io.peregrine.csi.controller;

import io.peregrine.csi.dataplane.DataplaneClient;
import io.peregrine.csi.volume.TargetAddress;
import java.util.List;
import java.util.function.Supplier;

/**
 * A node whose dataplane can hold volumes, as the controller sees it: its name (the CSI node id
 * and the value of the topology key), the client for its management API, and the NVMe/TCP
 * addresses at which other nodes reach its target -- asked for only when a volume is published,
 * since they may change and finding them may cost a call.
 */
public record StorageNode(String name, DataplaneClient dataplane, Supplier<List<TargetAddress>> targetAddresses) {

    public static StorageNode withTargets(String name, DataplaneClient dataplane, List<TargetAddress> targets) {
        List<TargetAddress> fixed = List.copyOf(targets);
        return new StorageNode(name, dataplane, () -> fixed);
    }

    public List<TargetAddress> targets() {
        return List.copyOf(targetAddresses.get());
    }
}
