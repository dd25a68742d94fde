package io.peregrine.dataplane.reactor;

/**
 * When a {@link Reactor} spins and when it parks: poll while I/O is outstanding or was seen
 * recently, park when idle. This is what lets an idle node cost ≈0% CPU instead of a core per
 * reactor.
 *
 * @param spinNanos how long to keep polling after the last iteration that did work, so a burst of
 *     requests does not pay a wake-up each time
 * @param maxParkNanos the longest park when nothing is in flight; a message or a signalled
 *     completion unparks earlier
 * @param pollParkMinNanos the first short park when I/O is in flight on a polled device but has
 *     not completed within {@code spinNanos} (a slow flush); doubles up to {@code pollParkMaxNanos}
 * @param pollParkMaxNanos the longest of those short parks
 */
public record IdlePolicy(long spinNanos, long maxParkNanos, long pollParkMinNanos, long pollParkMaxNanos) {
    /** 200 µs of spinning after work, 500 ms parks when idle, 20 µs..1 ms back-off for slow I/O. */
    public static final IdlePolicy DEFAULT = new IdlePolicy(200_000, 500_000_000, 20_000, 1_000_000);

    /** Never park: the SPDK behaviour, for comparison in benchmarks. */
    public static final IdlePolicy BUSY_POLL = new IdlePolicy(Long.MAX_VALUE, 0, 0, 0);

    public IdlePolicy {
        if (spinNanos < 0 || maxParkNanos < 0 || pollParkMinNanos < 0 || pollParkMaxNanos < pollParkMinNanos) {
            throw new IllegalArgumentException("idle policy times must be >= 0 and pollParkMax >= pollParkMin: "
                    + spinNanos + ", " + maxParkNanos + ", " + pollParkMinNanos + ", " + pollParkMaxNanos);
        }
    }
}
