package io.peregrine.csi.node;

import java.time.Duration;

/**
 * The node plugin's settings.
 *
 * @param nodeId what NodeGetInfo reports and ControllerPublishVolume receives: the Kubernetes
 *     node name (or the host name in local mode)
 * @param maxVolumesPerNode 0 lets the CO decide
 * @param deviceWait how long a namespace may take to appear after connect (udev, scan work)
 * @param detachWait how long controllers may take to go after disconnect
 * @param pollInterval how often sysfs is asked meanwhile
 */
public record NodeConfig(
        String nodeId, long maxVolumesPerNode, Duration deviceWait, Duration detachWait, Duration pollInterval) {

    public NodeConfig {
        if (nodeId == null || nodeId.isBlank()) throw new IllegalArgumentException("node id is empty");
        if (maxVolumesPerNode < 0) throw new IllegalArgumentException("max volumes per node must be >= 0");
    }

    public static NodeConfig defaults(String nodeId) {
        return new NodeConfig(nodeId, 0, Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMillis(100));
    }
}
