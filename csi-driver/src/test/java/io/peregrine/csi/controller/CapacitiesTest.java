package io.peregrine.csi.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peregrine.csi.v1.CapacityRange;
import org.junit.jupiter.api.Test;

class CapacitiesTest {

    private static final long MiB = 1L << 20;
    private static final long UNIT = 4 * MiB;

    @Test
    void roundsUpToWholeClustersWithinTheLimit() {
        assertEquals(8 * MiB, Capacities.size(range(5 * MiB, 0), UNIT, 0));
        assertEquals(8 * MiB, Capacities.size(range(8 * MiB, 8 * MiB), UNIT, 0));
        assertEquals(Capacities.DEFAULT_SIZE, Capacities.size(range(0, 0), UNIT, 0));
        assertEquals(64 * MiB, Capacities.size(range(0, 64 * MiB), UNIT, 0), "only a limit: the default, capped");
        assertEquals(12 * MiB, Capacities.size(range(MiB, 0), UNIT, 10 * MiB), "at least the source");
    }

    @Test
    void nothingFitsIsOutOfRange() {
        StatusRuntimeException e =
                assertThrows(StatusRuntimeException.class, () -> Capacities.size(range(5 * MiB, 6 * MiB), UNIT, 0));
        assertEquals(Status.Code.OUT_OF_RANGE, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("limit_bytes 6291456"));
        assertThrows(StatusRuntimeException.class, () -> Capacities.size(range(0, 8 * MiB), UNIT, 10 * MiB));
    }

    @Test
    void validationAndSatisfaction() {
        assertThrows(StatusRuntimeException.class, () -> Capacities.validate(range(-1, 0)));
        assertThrows(StatusRuntimeException.class, () -> Capacities.validate(range(2, 1)));
        Capacities.validate(range(1, 1));
        assertTrue(Capacities.satisfies(8 * MiB, range(5 * MiB, 0)));
        assertFalse(Capacities.satisfies(8 * MiB, range(5 * MiB, 6 * MiB)));
        assertFalse(Capacities.satisfies(4 * MiB, range(5 * MiB, 0)));
    }

    private static CapacityRange range(long required, long limit) {
        return CapacityRange.newBuilder()
                .setRequiredBytes(required)
                .setLimitBytes(limit)
                .build();
    }
}
