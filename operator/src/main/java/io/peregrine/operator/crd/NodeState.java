package io.peregrine.operator.crd;

/** Whether a storage node's agent is alive, as the operator judges it from the node's Lease. */
public enum NodeState {
    /** The lease was renewed within its duration. */
    Online,
    /** The lease expired or was never created: the node is unreachable. */
    Offline,
    /** Not judged yet (the operator has not watched the lease for a full duration). */
    Unknown
}
