package io.peregrine.dataplane.metrics;

import io.peregrine.dataplane.export.IoCounters;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.Arrays;

/**
 * A bucket layout for exposing {@link IoCounters}' latency histograms. The reactors always count
 * into the fine layout ({@link IoCounters#BOUNDS_NANOS}, 17 buckets); a scrape may expose a coarser
 * one whose bounds are a subset of the fine bounds, so every fine bucket falls wholly inside one
 * coarse bucket and the folding is exact, not an estimate.
 *
 * <p>Why two layouts: per-volume histograms are the bulk of a scrape (two histograms per published
 * volume), so they get {@link #VOLUME} (10 bounds, 50 µs .. 1 s, where storage latency lives);
 * the per-node aggregate is one series and keeps every fine bucket ({@link #NODE}).
 */
public final class LatencyBuckets {
    /** Every bucket the reactors count: 25 µs .. 2.5 s and +Inf. */
    public static final LatencyBuckets NODE = new LatencyBuckets(IoCounters.BOUNDS_NANOS);

    /**
     * 50 µs .. 1 s, roughly 1-2.5-5 per decade below 1 ms (NVMe/TCP and SSD reads land there) and
     * wider above it (a busy or failing device, GC-like stalls), then +Inf.
     */
    public static final LatencyBuckets VOLUME = new LatencyBuckets(new long[] {
        50_000L,
        100_000L,
        250_000L,
        500_000L,
        1_000_000L,
        2_500_000L,
        10_000_000L,
        50_000_000L,
        250_000_000L,
        1_000_000_000L
    });

    private final double[] boundsSeconds;
    /** For each fine bucket (+Inf included), the index of the bucket it is counted in here. */
    private final int[] fold;

    LatencyBuckets(long[] boundsNanos) {
        boundsSeconds = new double[boundsNanos.length + 1];
        for (int i = 0; i < boundsNanos.length; i++) {
            if (Arrays.binarySearch(IoCounters.BOUNDS_NANOS, boundsNanos[i]) < 0) {
                throw new IllegalArgumentException("bound " + boundsNanos[i] + " ns is not one of the counted bounds "
                        + Arrays.toString(IoCounters.BOUNDS_NANOS));
            }
            if (i > 0 && boundsNanos[i] <= boundsNanos[i - 1]) {
                throw new IllegalArgumentException("bounds must increase: " + Arrays.toString(boundsNanos));
            }
            boundsSeconds[i] = boundsNanos[i] / 1e9;
        }
        boundsSeconds[boundsNanos.length] = Double.POSITIVE_INFINITY;
        fold = new int[IoCounters.BUCKETS];
        int coarse = 0;
        for (int b = 0; b < IoCounters.BUCKETS; b++) {
            long upper = b < IoCounters.BOUNDS_NANOS.length ? IoCounters.BOUNDS_NANOS[b] : Long.MAX_VALUE;
            while (coarse < boundsNanos.length && boundsNanos[coarse] < upper) {
                coarse++;
            }
            fold[b] = coarse;
        }
    }

    /** Buckets exposed, +Inf included. */
    public int size() {
        return boundsSeconds.length;
    }

    /** Upper bounds in seconds, the last one +Inf. */
    public double[] boundsSeconds() {
        return boundsSeconds.clone();
    }

    /** Per-bucket (not cumulative) counts in the fine layout, folded into this one. */
    long[] fold(long[] fine) {
        long[] counts = new long[boundsSeconds.length];
        for (int b = 0; b < IoCounters.BUCKETS; b++) {
            counts[fold[b]] += fine[b];
        }
        return counts;
    }

    /** The histogram of {@code c} at {@code base} (sum from {@code nanosSlot}) in this layout. */
    HistogramDataPointSnapshot point(Labels labels, IoCounters c, int base, int nanosSlot) {
        long[] fine = new long[IoCounters.BUCKETS];
        for (int b = 0; b < IoCounters.BUCKETS; b++) {
            fine[b] = c.bucket(base, b);
        }
        // ClassicHistogramBuckets takes per-bucket counts; the exposition makes them cumulative
        return HistogramDataPointSnapshot.builder()
                .labels(labels)
                .classicHistogramBuckets(ClassicHistogramBuckets.of(boundsSeconds, fold(fine)))
                .sum(c.get(nanosSlot) / 1e9)
                .build();
    }
}
