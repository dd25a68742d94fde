package io.peregrine.nvme.driver;

/** The driver could not do what was asked of the controller; the message names the device and the step. */
public class NvmeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public NvmeException(String message) {
        super(message);
    }

    public NvmeException(String message, Throwable cause) {
        super(message, cause);
    }
}
