package io.peregrine.operator.model;

/** The condition types Peregrine resources carry. */
public final class ConditionTypes {

    private ConditionTypes() {}

    /** DiskPool: the pool serves I/O. StorageNode: the node agent is alive and the dataplane serves. */
    public static final String READY = "Ready";
    /** DiskPool: the current spec is what the pool is (False: an edit could not be applied). */
    public static final String SPEC_APPLIED = "SpecApplied";
    /** DiskPool, while deletion waits: why the finalizer stays. */
    public static final String DELETION_BLOCKED = "DeletionBlocked";
}
