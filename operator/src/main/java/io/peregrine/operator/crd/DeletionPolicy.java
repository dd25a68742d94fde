package io.peregrine.operator.crd;

/** What happens on the dataplane when an empty DiskPool is deleted. */
public enum DeletionPolicy {
    /** DestroyPool: the store's metadata is erased; the disk is free again. */
    Destroy,
    /** ExportPool: the store is unloaded and stays on the disk, to be imported by a new DiskPool. */
    Export
}
