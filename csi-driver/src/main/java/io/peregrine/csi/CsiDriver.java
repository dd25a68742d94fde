package io.peregrine.csi;

/** The names this plugin is known by: to Kubernetes, to the kernel's NVMe host and in topology. */
public final class CsiDriver {

    /** GetPluginInfo name, the CSIDriver object's name and StorageClass provisioner. */
    public static final String NAME = "csi.peregrine.io";

    /** The one topology key: volumes live on (and are best consumed from) one storage node. */
    public static final String TOPOLOGY_NODE_KEY = "topology.peregrine.io/node";

    /** Subsystem NQN prefix of exported volumes; the volume UUID follows (DESIGN.md §8). */
    public static final String VOLUME_NQN_PREFIX = "nqn.2026-11.io.peregrine:vol:";

    private CsiDriver() {}

    /** Peregrine's version as packaged, or "dev" when running from classes. */
    public static String version() {
        String version = CsiDriver.class.getPackage().getImplementationVersion();
        return version == null ? "0.1.0-dev" : version;
    }
}
