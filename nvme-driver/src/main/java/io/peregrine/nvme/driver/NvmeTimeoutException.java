package io.peregrine.nvme.driver;

/** A wait overran its limit: a state of the bring-up, or an admin command. */
public final class NvmeTimeoutException extends NvmeException {

    private static final long serialVersionUID = 1L;

    public NvmeTimeoutException(String message) {
        super(message);
    }
}
