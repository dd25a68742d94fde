package io.peregrine.dataplane.export;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A volume's I/O counters on one reactor: plain longs the owning loop bumps (no lock, no atomic
 * read-modify-write, no allocation) and a scrape reads with opaque loads. Latencies go into fixed
 * histogram buckets ({@link #BOUNDS_NANOS}) so Prometheus gets histograms, not just averages.
 *
 * <p>Also used as an accumulator: {@link #addTo} folds one set into another (a closed channel's
 * counters into its namespace's retired total, and every channel into a scrape's sum).
 */
public final class IoCounters {
    public static final int READ_OPS = 0;
    public static final int READ_BYTES = 1;
    public static final int WRITE_OPS = 2;
    public static final int WRITE_BYTES = 3;
    public static final int FLUSH_OPS = 4;
    public static final int UNMAP_OPS = 5;
    public static final int WRITE_ZEROES_OPS = 6;
    public static final int ERRORS = 7;
    public static final int READ_NANOS = 8;
    public static final int WRITE_NANOS = 9;
    static final int FIXED = 10;

    /**
     * Upper bounds of the latency buckets, inclusive, in nanoseconds: 25 µs to 2.5 s, roughly
     * 1-2.5-5 per decade (what loopback NVMe/TCP, a file and a busy SSD each land in). The last
     * bucket, +Inf, is implicit.
     */
    public static final long[] BOUNDS_NANOS = {
        25_000L,
        50_000L,
        100_000L,
        250_000L,
        500_000L,
        1_000_000L,
        2_500_000L,
        5_000_000L,
        10_000_000L,
        25_000_000L,
        50_000_000L,
        100_000_000L,
        250_000_000L,
        500_000_000L,
        1_000_000_000L,
        2_500_000_000L
    };

    /** Buckets per histogram, +Inf included. */
    public static final int BUCKETS = BOUNDS_NANOS.length + 1;

    public static final int READ_BUCKETS = FIXED;
    public static final int WRITE_BUCKETS = FIXED + BUCKETS;
    static final int SIZE = FIXED + 2 * BUCKETS;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] values = new long[SIZE];

    /** Adds {@code delta} to counter {@code i}; only the owner thread writes. */
    void add(int i, long delta) {
        SLOT.setOpaque(values, i, values[i] + delta);
    }

    /** Counts one latency of {@code nanos} into the histogram starting at {@code base}. */
    void observe(int base, long nanos) {
        int b = 0;
        while (b < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[b]) {
            b++;
        }
        add(base + b, 1);
    }

    /** Counter {@code i}, read from any thread. */
    public long get(int i) {
        return (long) SLOT.getOpaque(values, i);
    }

    /** Adds these counters to {@code sum}; {@code sum} must not be shared with a running loop. */
    public void addTo(IoCounters sum) {
        for (int i = 0; i < SIZE; i++) {
            sum.values[i] += get(i);
        }
    }

    /** Zeroes an accumulator (never a channel's own counters). */
    public void clear() {
        java.util.Arrays.fill(values, 0L);
    }

    /** Bucket {@code b} (not cumulative) of the histogram at {@code base}. */
    public long bucket(int base, int b) {
        return get(base + b);
    }
}
