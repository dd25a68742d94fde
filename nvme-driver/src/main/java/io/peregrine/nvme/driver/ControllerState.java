package io.peregrine.nvme.driver;

/**
 * The controller's life, as a state machine in register terms (NVMe Base 2.1, "Initialization"
 * and "Controller Level Reset"). Every state that waits has a limit, and a bring-up or reset
 * that overruns it fails naming the state and what the controller was last seen doing.
 *
 * <pre>
 *  DISABLING ─▶ CONFIGURING_ADMIN_QUEUE ─▶ ENABLING ─▶ IDENTIFYING_CONTROLLER
 *      ─▶ SETTING_NUMBER_OF_QUEUES ─▶ IDENTIFYING_NAMESPACES ─▶ READY
 *  READY ─(timeout after Abort, CSTS.CFS, request)─▶ RESETTING ─▶ DISABLING ... READY | FAILED
 *  READY ─(close)─▶ SHUTTING_DOWN ─▶ SHUT_DOWN
 * </pre>
 */
public enum ControllerState {
    /** CC.EN cleared; waiting for CSTS.RDY to clear. Limit: CAP.TO. */
    DISABLING(Limit.CAP_TO, "CC.EN=0 written; waiting for CSTS.RDY=0"),
    /** AQA, ASQ and ACQ written with the admin queues' sizes and IOVAs. No wait. */
    CONFIGURING_ADMIN_QUEUE(Limit.NONE, "writing AQA, ASQ and ACQ"),
    /** CC written with EN=1, CSS, MPS, IOSQES=6, IOCQES=4; waiting for CSTS.RDY. Limit: CAP.TO. */
    ENABLING(Limit.CAP_TO, "CC.EN=1 written; waiting for CSTS.RDY=1"),
    /** Identify, CNS 01h. Limit: the admin command timeout. */
    IDENTIFYING_CONTROLLER(Limit.ADMIN, "Identify Controller (CNS 01h)"),
    /** Set Features, Number of Queues (07h). Limit: the admin command timeout. */
    SETTING_NUMBER_OF_QUEUES(Limit.ADMIN, "Set Features Number of Queues (FID 07h)"),
    /** Identify CNS 02h, then 00h and 03h for each active NSID. Limit: the admin timeout per command. */
    IDENTIFYING_NAMESPACES(Limit.ADMIN, "Identify Active Namespace list, Namespace and descriptors"),
    /** Admin and I/O queues may be used. */
    READY(Limit.NONE, "ready"),
    /**
     * A controller level reset: a command outlived its timeout and Abort did not help, CSTS.CFS was
     * seen, or a caller asked. Commands in flight fail with "Command Aborted By Host"; queue pairs
     * reconnect when it ends.
     */
    RESETTING(Limit.NONE, "controller level reset"),
    /** CC.SHN=01b written; waiting for CSTS.SHST=10b. Limit: RTD3E, or the shutdown option. */
    SHUTTING_DOWN(Limit.SHUTDOWN, "CC.SHN=01b written; waiting for CSTS.SHST=10b"),
    /** Shutdown complete: the controller may lose power. */
    SHUT_DOWN(Limit.NONE, "shut down"),
    /** Bring-up or every reset attempt failed: no I/O is possible. */
    FAILED(Limit.NONE, "failed");

    /** What bounds the time spent in a state. */
    public enum Limit {
        NONE,
        CAP_TO,
        ADMIN,
        SHUTDOWN
    }

    private final Limit limit;
    private final String meaning;

    ControllerState(Limit limit, String meaning) {
        this.limit = limit;
        this.meaning = meaning;
    }

    public Limit limit() {
        return limit;
    }

    /** What the driver is doing in this state, in register terms. */
    public String meaning() {
        return meaning;
    }
}
