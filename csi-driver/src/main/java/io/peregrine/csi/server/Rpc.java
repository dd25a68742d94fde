package io.peregrine.csi.server;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/** Unary RPC plumbing shared by the services: one answer, or the status that explains why not. */
public final class Rpc {

    private Rpc() {}

    /**
     * Runs {@code body} and answers with its result. A {@link StatusRuntimeException} is sent as
     * it is (it carries the CSI code); anything else is a bug or a host failure and becomes
     * INTERNAL with its message, never a bare UNKNOWN.
     */
    public static <T> void answer(StreamObserver<T> response, Supplier<T> body) {
        T result;
        try {
            result = body.get();
        } catch (StatusRuntimeException e) {
            response.onError(e);
            return;
        } catch (UncheckedIOException e) {
            response.onError(CsiErrors.internal(e.getMessage(), e));
            return;
        } catch (RuntimeException e) {
            response.onError(
                    CsiErrors.internal("unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage(), e));
            return;
        }
        response.onNext(result);
        response.onCompleted();
    }
}
