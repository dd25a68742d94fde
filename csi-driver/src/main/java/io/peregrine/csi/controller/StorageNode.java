package io.peregrine.csi.controller;

import io.peregrine.csi.dataplane.DataplaneClient;
import io.peregrine.csi.volume.TargetAddress;
import java.util.List;

/**
 * A node whose dataplane can hold volumes, as the controller sees it: its name (the CSI node id
 * and the value of the topology key), the client for its management API, and the NVMe/TCP
 * addresses at which other nodes reach its target.
 */
public record StorageNode(String name, DataplaneClient dataplane, List<TargetAddress> targets) {

    public StorageNode {
        targets = List.copyOf(targets);
    }
}
