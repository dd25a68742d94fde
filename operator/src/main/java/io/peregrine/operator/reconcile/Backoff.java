package io.peregrine.operator.reconcile;

import java.time.Duration;

/**
 * Exponential backoff for failed reconciles: {@code base}, 2×, 4×, ... capped at {@code max}. A
 * dataplane that is down is retried quickly at first and then every {@code max}, never in a
 * tight loop and never given up on.
 */
public record Backoff(Duration base, Duration max) {

    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(500), Duration.ofMinutes(5));

    public Backoff {
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < base <= max, got " + base + " and " + max);
        }
    }

    /** The delay before retry number {@code failures} (1 = the first retry). */
    public Duration delay(int failures) {
        long nanos = base.toNanos();
        long cap = max.toNanos();
        for (int i = 1; i < failures && nanos < cap; i++) {
            nanos = nanos > cap / 2 ? cap : nanos * 2;
        }
        return Duration.ofNanos(nanos);
    }
}
