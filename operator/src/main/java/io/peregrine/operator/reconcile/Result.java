package io.peregrine.operator.reconcile;

import java.time.Duration;
import java.util.Optional;

/**
 * How a reconcile that did not throw wants to be called again: not until something changes
 * ({@link #done()}); after a delay, to notice what no informer reports (a lease running out, a
 * pool's capacity) ({@link #after}); or with the key's growing backoff, because it failed in a
 * way it already reported in status ({@link #retry()}).
 */
public record Result(Optional<Duration> requeueAfter, boolean backoff) {

    private static final Result DONE = new Result(Optional.empty(), false);
    private static final Result RETRY = new Result(Optional.empty(), true);

    public static Result done() {
        return DONE;
    }

    public static Result after(Duration delay) {
        return new Result(Optional.of(delay), false);
    }

    public static Result retry() {
        return RETRY;
    }
}
