package io.peregrine.helm;

import java.util.Map;

/** {@code --set} values that switch every optional part of the chart on and move every path. */
final class NonDefaultValues {

    static final Map<String, Object> EVERYTHING_ON = Map.ofEntries(
            Map.entry("image.repository", "registry.example/storage/peregrine"),
            Map.entry("image.tag", "0.1.0-rc1"),
            Map.entry("kubeletDir", "/var/lib/k0s/kubelet"),
            Map.entry("tls.mode", "cert-manager"),
            Map.entry("dataplane.coreList", "2-3,6"),
            Map.entry("dataplane.hugepagesMi", 2048),
            Map.entry("dataplane.privileged", false),
            Map.entry("dataplane.pools[0].name", "fast-a"),
            Map.entry("dataplane.pools[0].node", "worker-a"),
            Map.entry("dataplane.pools[0].disk", "pcie://0000:00:04.0"),
            Map.entry("dataplane.pools[0].clusterSize", "4Mi"),
            Map.entry("dataplane.pools[1].name", "files-b"),
            Map.entry("dataplane.pools[1].node", "worker-b"),
            Map.entry("dataplane.pools[1].disk", "file:///var/lib/peregrine/disk.img?size=10G"),
            Map.entry("dataplane.extraConfig.reactors.spinMicros", 50),
            Map.entry("controller.replicas", 3),
            Map.entry("controller.maxVolumesPerNode", 64),
            Map.entry("operator.replicas", 3),
            Map.entry("storageClasses[0].name", "fast"),
            Map.entry("storageClasses[0].fsType", "ext4"),
            Map.entry("storageClasses[0].default", true),
            Map.entry("storageClasses[0].parameters.pool", "fast-a"),
            Map.entry("volumeSnapshotClass.create", "always"),
            Map.entry("metrics.serviceMonitor.enabled", true),
            Map.entry("metrics.serviceMonitor.labels.release", "prometheus"),
            Map.entry("metrics.podMonitor.enabled", true),
            Map.entry("grafanaDashboard.labels.team", "storage"),
            Map.entry("commonLabels.cost-center", "storage"));

    private NonDefaultValues() {}
}
