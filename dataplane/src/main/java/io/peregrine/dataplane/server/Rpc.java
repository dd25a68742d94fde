package io.peregrine.dataplane.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.peregrine.dataplane.node.DataplaneException;
import java.util.UUID;
import java.util.function.Supplier;

/** Runs one RPC body and answers: its value, or the status its failure maps to. */
final class Rpc {
    private static final System.Logger LOG = System.getLogger(Rpc.class.getName());

    private Rpc() {}

    static <T> void answer(StreamObserver<T> out, Supplier<T> body) {
        T value;
        try {
            value = body.get();
        } catch (DataplaneException e) {
            out.onError(status(e));
            return;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "a management call failed unexpectedly", e);
            out.onError(Status.INTERNAL
                    .withDescription("internal error: " + e + " (the daemon's log has the details)")
                    .asRuntimeException());
            return;
        }
        out.onNext(value);
        out.onCompleted();
    }

    static StatusRuntimeException status(DataplaneException e) {
        Status.Code code = switch (e.code()) {
            case INVALID_ARGUMENT -> Status.Code.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.Code.NOT_FOUND;
            case ALREADY_EXISTS -> Status.Code.ALREADY_EXISTS;
            case FAILED_PRECONDITION -> Status.Code.FAILED_PRECONDITION;
            case RESOURCE_EXHAUSTED -> Status.Code.RESOURCE_EXHAUSTED;
            case OUT_OF_RANGE -> Status.Code.OUT_OF_RANGE;
            case ABORTED -> Status.Code.ABORTED;
            case UNAVAILABLE -> Status.Code.UNAVAILABLE;
            case INTERNAL -> Status.Code.INTERNAL;
        };
        return Status.fromCode(code).withDescription(e.getMessage()).asRuntimeException();
    }

    /** A UUID field: INVALID_ARGUMENT unless it is one (RFC 9562 form). */
    static UUID uuid(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw DataplaneException.invalid(field + " is required");
        }
        try {
            UUID u = UUID.fromString(value);
            if (!u.toString().equalsIgnoreCase(value)) {
                throw new IllegalArgumentException();
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw DataplaneException.invalid(
                    field + " '" + value + "' is not a UUID (like 3f2c0a1e-5b6d-4c7e-8f90-a1b2c3d4e5f6)");
        }
    }

    static String required(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw DataplaneException.invalid(field + " is required");
        }
        return value;
    }
}
