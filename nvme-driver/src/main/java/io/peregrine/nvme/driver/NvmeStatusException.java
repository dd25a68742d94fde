package io.peregrine.nvme.driver;

import io.peregrine.nvme.spec.Status;

/** An admin command completed with an error status. */
public final class NvmeStatusException extends NvmeException {

    private static final long serialVersionUID = 1L;

    private final int statusField;

    public NvmeStatusException(String what, int statusField) {
        super(what + " failed: " + Status.describe(statusField));
        this.statusField = statusField;
    }

    /** The 15-bit Status Field the controller answered with. */
    public int statusField() {
        return statusField;
    }

    public Status status() {
        return Status.fromField(statusField);
    }
}
