package io.peregrine.nvmf.host;

import io.peregrine.nvme.spec.Status;

/** A command completed with an error status, or the connection to the controller failed. */
public class NvmeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public NvmeException(String message, int status) {
        super(message + (status > 0 ? ": " + Status.describe(status) : ""));
        this.status = status;
    }

    public NvmeException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
        this.status = -1;
    }

    /** The NVMe Status Field the command completed with; -1 when no completion arrived. */
    public int status() {
        return status;
    }
}
