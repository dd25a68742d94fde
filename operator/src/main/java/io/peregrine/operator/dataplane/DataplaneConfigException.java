package io.peregrine.operator.dataplane;

/** The operator is not configured to reach a dataplane the cluster names; the message says what to set. */
public final class DataplaneConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataplaneConfigException(String message) {
        super(message);
    }

    public DataplaneConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
