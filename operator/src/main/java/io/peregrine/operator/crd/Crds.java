package io.peregrine.operator.crd;

/**
 * Names the operator, the node agent and the CSI driver agree on: the API group, finalizers,
 * labels and the Lease naming scheme. Changing one of these is an API change.
 */
public final class Crds {

    public static final String GROUP = "peregrine.io";
    public static final String VERSION = "v1alpha1";

    /** Keeps a DiskPool object until its pool is gone from the dataplane (or proven empty). */
    public static final String POOL_FINALIZER = "peregrine.io/pool-protection";

    /** Every node agent renews a Lease named this prefix plus the node name. */
    public static final String NODE_LEASE_PREFIX = "peregrine-node-";

    /** Label on a node Lease naming its StorageNode, so informers can select them. */
    public static final String NODE_LABEL = "peregrine.io/storage-node";

    /** The component name on Events and the managed-by label. */
    public static final String COMPONENT = "peregrine-operator";

    private Crds() {}

    public static String nodeLeaseName(String nodeName) {
        return NODE_LEASE_PREFIX + nodeName;
    }
}
