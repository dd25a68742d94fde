package io.peregrine.dataplane.node;

import io.peregrine.dataplane.blob.BlobStoreException;
import io.peregrine.dataplane.node.DataplaneException.Code;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for the engine on behalf of a management call (a virtual thread; never a reactor) and
 * translates what the engine refused into the API's codes, once, here.
 */
public final class EngineCalls {
    /** How long a management call waits for a pool's metadata reactor before giving up. */
    public static final Duration DEFAULT_WAIT = Duration.ofMinutes(2);

    private EngineCalls() {}

    /** Waits up to {@link #DEFAULT_WAIT}. */
    public static <T> T await(CompletableFuture<T> future) {
        return await(future, DEFAULT_WAIT);
    }

    public static <T> T await(CompletableFuture<T> future, Duration limit) {
        try {
            return future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataplaneException(Code.UNAVAILABLE, "interrupted while waiting for the engine; retry", e);
        } catch (TimeoutException e) {
            throw new DataplaneException(
                    Code.UNAVAILABLE,
                    "the engine did not answer within " + limit.toSeconds() + " s (a slow or stuck device?); retry",
                    e);
        } catch (ExecutionException | CompletionException | CancellationException e) {
            throw translate(e.getCause() != null ? e.getCause() : e);
        }
    }

    /** The API's view of an engine failure. */
    public static RuntimeException translate(Throwable t) {
        Throwable cause = t;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof DataplaneException de) {
            return de;
        }
        if (cause instanceof BlobStoreException bse) {
            return new DataplaneException(code(bse.reason()), bse.getMessage(), bse);
        }
        return new DataplaneException(
                Code.INTERNAL, "unexpected failure in the engine: " + cause + " (see the daemon's log)", cause);
    }

    /** The default code for each engine reason; calls that know better override it. */
    public static Code code(BlobStoreException.Reason reason) {
        return switch (reason) {
            case NOT_FOUND -> Code.NOT_FOUND;
            case ALREADY_EXISTS -> Code.ALREADY_EXISTS;
            case INVALID_ARGUMENT -> Code.INVALID_ARGUMENT;
            case OUT_OF_RANGE -> Code.OUT_OF_RANGE;
            case NO_SPACE, METADATA_FULL -> Code.RESOURCE_EXHAUSTED;
            case HAS_DEPENDENTS, BUSY, READ_ONLY -> Code.FAILED_PRECONDITION;
            case STORE_FAILED -> Code.UNAVAILABLE;
            case CORRUPT -> Code.INTERNAL;
        };
    }
}
