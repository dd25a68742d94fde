package io.peregrine.operator.model;

/**
 * Condition and Event reasons: CamelCase words a program can switch on. A reason is API; its
 * message (free text) says what to do.
 */
public final class Reasons {

    private Reasons() {}

    // DiskPool Ready
    public static final String POOL_ONLINE = "PoolOnline";
    public static final String POOL_DEGRADED = "PoolDegraded";
    public static final String POOL_ERROR = "PoolError";
    public static final String CREATING = "Creating";
    public static final String INVALID_SPEC = "InvalidSpec";
    public static final String NODE_NOT_FOUND = "NodeNotFound";
    public static final String NODE_OFFLINE = "NodeOffline";
    public static final String NODE_NOT_READY = "NodeNotReady";
    public static final String NODE_NO_ENDPOINT = "NodeNoEndpoint";
    public static final String DISK_IN_USE = "DiskInUse";
    public static final String DISK_NOT_FOUND = "DiskNotFound";
    public static final String POOL_NAME_CONFLICT = "PoolNameConflict";
    public static final String DATAPLANE_UNAVAILABLE = "DataplaneUnavailable";
    public static final String DATAPLANE_REJECTED = "DataplaneRejected";
    public static final String DATAPLANE_ERROR = "DataplaneError";

    // DiskPool SpecApplied
    public static final String SPEC_APPLIED = "Applied";
    public static final String IMMUTABLE_FIELD_CHANGED = "ImmutableFieldChanged";

    // DiskPool DeletionBlocked
    public static final String POOL_HAS_VOLUMES = "PoolHasVolumes";
    public static final String NODE_UNREACHABLE = "NodeUnreachable";

    // DiskPool events
    public static final String POOL_CREATED = "PoolCreated";
    public static final String POOL_IMPORTED = "PoolImported";
    public static final String POOL_DESTROYED = "PoolDestroyed";
    public static final String POOL_EXPORTED = "PoolExported";
    public static final String POOL_GONE = "PoolGone";

    // StorageNode Ready
    public static final String LEASE_RENEWED = "LeaseRenewed";
    public static final String LEASE_EXPIRED = "LeaseExpired";
    public static final String LEASE_MISSING = "LeaseMissing";
    public static final String NOT_SERVING = "NotServing";

    // StorageNode events
    public static final String NODE_ONLINE = "NodeOnline";
}
