package io.peregrine.csi.nvme;

import io.peregrine.csi.volume.TargetAddress;

/** The kernel's NVMe over Fabrics host: connect to and disconnect from subsystems. */
public interface NvmeFabrics {

    /** Connects to subsystem {@code nqn} at {@code target}; succeeds when already connected there. */
    void connect(TargetAddress target, String nqn, HostIdentity host);

    /** Deletes every controller of subsystem {@code nqn}; succeeds when there is none. */
    void disconnect(String nqn);

    /** Asks controller {@code controller} (nvme3) to rescan its namespaces, e.g. after a resize. */
    void rescan(String controller);
}
