package io.peregrine.dataplane.node;

/**
 * A management call that did not happen, with the management API's status code (dataplane.proto's
 * header) and a message for people: what was wrong and what to do. The gRPC layer turns it into
 * a status one to one.
 */
public final class DataplaneException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The API's codes, as the proto header defines them. */
    public enum Code {
        INVALID_ARGUMENT,
        NOT_FOUND,
        ALREADY_EXISTS,
        FAILED_PRECONDITION,
        RESOURCE_EXHAUSTED,
        OUT_OF_RANGE,
        ABORTED,
        UNAVAILABLE,
        INTERNAL
    }

    private final Code code;

    public DataplaneException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public DataplaneException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }

    public static DataplaneException invalid(String message) {
        return new DataplaneException(Code.INVALID_ARGUMENT, message);
    }

    public static DataplaneException notFound(String message) {
        return new DataplaneException(Code.NOT_FOUND, message);
    }

    public static DataplaneException alreadyExists(String message) {
        return new DataplaneException(Code.ALREADY_EXISTS, message);
    }

    public static DataplaneException precondition(String message) {
        return new DataplaneException(Code.FAILED_PRECONDITION, message);
    }

    public static DataplaneException unavailable(String message) {
        return new DataplaneException(Code.UNAVAILABLE, message);
    }
}
