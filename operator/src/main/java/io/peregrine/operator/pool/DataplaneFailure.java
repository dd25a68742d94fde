package io.peregrine.operator.pool;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Whether a failed management call is worth retrying on its own. The dataplane API's codes
 * (dataplane.proto header) split into "the dataplane or the network is not ready" and "the
 * request can never succeed as it is".
 */
final class DataplaneFailure {

    private DataplaneFailure() {}

    static boolean transientFailure(StatusRuntimeException e) {
        return switch (e.getStatus().getCode()) {
            case UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED, CANCELLED, UNKNOWN, INTERNAL, RESOURCE_EXHAUSTED -> true;
            default -> false;
        };
    }

    static Status.Code code(StatusRuntimeException e) {
        return e.getStatus().getCode();
    }

    /** "UNAVAILABLE: connection refused" as a person reads it. */
    static String describe(StatusRuntimeException e) {
        String description = e.getStatus().getDescription();
        return e.getStatus().getCode() + (description == null ? "" : ": " + description);
    }
}
