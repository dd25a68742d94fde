package io.peregrine.dataplane.bdev;

import java.io.IOException;

/** A block device could not be opened or created: the message says which, why and what to do. */
public class BdevException extends IOException {
    private static final long serialVersionUID = 1L;

    public BdevException(String message) {
        super(message);
    }

    public BdevException(String message, Throwable cause) {
        super(message, cause);
    }
}
