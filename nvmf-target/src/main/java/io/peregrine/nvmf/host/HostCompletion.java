package io.peregrine.nvmf.host;

import io.peregrine.nvme.spec.Status;

/**
 * How an admin (control path) command completed: its status, completion dwords 0 and 1, and the
 * data it returned (empty when none).
 */
public record HostCompletion(int status, int dw0, int dw1, byte[] data) {
    public boolean success() {
        return Status.isSuccess(status);
    }

    /** Throws {@link NvmeException} naming {@code what} unless the command succeeded. */
    public HostCompletion orThrow(String what) {
        if (!success()) throw new NvmeException(what + " failed", status);
        return this;
    }
}
