package io.peregrine.dataplane.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.dataplane.export.IoCounters;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LatencyBucketsTest {
    @Test
    void volumeLayoutIsTenBoundsFrom50MicrosTo1Second() {
        double[] b = LatencyBuckets.VOLUME.boundsSeconds();
        assertEquals(11, LatencyBuckets.VOLUME.size());
        assertEquals(50e-6, b[0], 1e-12);
        assertEquals(1.0, b[9], 1e-12);
        assertEquals(Double.POSITIVE_INFINITY, b[10]);
    }

    @Test
    void nodeLayoutKeepsEveryCountedBucket() {
        assertEquals(IoCounters.BUCKETS, LatencyBuckets.NODE.size());
        long[] fine = new long[IoCounters.BUCKETS];
        for (int i = 0; i < fine.length; i++) {
            fine[i] = i + 1;
        }
        assertArrayEquals(fine, LatencyBuckets.NODE.fold(fine));
    }

    @Test
    void foldingIsExactAndLosesNoObservation() {
        // one observation in each fine bucket: each must land in the coarse bucket whose range
        // contains the fine one, and the total must not change
        long[] fine = new long[IoCounters.BUCKETS];
        Arrays.fill(fine, 1);
        long[] coarse = LatencyBuckets.VOLUME.fold(fine);
        assertEquals(IoCounters.BUCKETS, Arrays.stream(coarse).sum());
        // <=25us and (25,50]us -> <=50us; 100,250,500us,1ms,2.5ms one each; 5,10ms -> 10ms;
        // 25,50ms -> 50ms; 100,250ms -> 250ms; 500ms,1s -> 1s; 2.5s and above -> +Inf
        assertArrayEquals(new long[] {2, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2}, coarse);
    }

    @Test
    void boundsThatAreNotCountedAreRefused() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new LatencyBuckets(new long[] {75_000L}));
        assertTrue(e.getMessage().contains("75000 ns"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LatencyBuckets(new long[] {100_000L, 50_000L}));
    }
}
