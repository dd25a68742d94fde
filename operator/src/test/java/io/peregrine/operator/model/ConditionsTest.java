package io.peregrine.operator.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.peregrine.operator.crd.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {

    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00.123Z");
    private static final Instant T1 = Instant.parse("2026-11-21T10:05:00Z");

    @Test
    void theTransitionTimeMovesOnlyWithTheStatus() {
        List<Condition> c = Conditions.put(List.of(), "Ready", "False", "Creating", "m", 1, T0);
        assertEquals("2026-11-21T10:00:00Z", c.getFirst().lastTransitionTime());
        c = Conditions.put(c, "Ready", "False", "NodeOffline", "m2", 2, T1);
        assertEquals("2026-11-21T10:00:00Z", c.getFirst().lastTransitionTime(), "same status, new reason");
        assertEquals("NodeOffline", c.getFirst().reason());
        assertEquals(2L, c.getFirst().observedGeneration());
        c = Conditions.put(c, "Ready", "True", "PoolOnline", "m3", 2, T1);
        assertEquals("2026-11-21T10:05:00Z", c.getFirst().lastTransitionTime());
    }

    @Test
    void recomputingTheSameStateGivesAnEqualList() {
        List<Condition> c = Conditions.put(List.of(), "Ready", "True", "PoolOnline", "m", 1, T0);
        assertEquals(c, Conditions.put(c, "Ready", "True", "PoolOnline", "m", 1, T1));
    }

    @Test
    void typesKeepTheirOrderAndNewOnesGoLast() {
        List<Condition> c = Conditions.put(List.of(), "Ready", "True", "a", "m", 1, T0);
        c = Conditions.put(c, "SpecApplied", "True", "b", "m", 1, T0);
        c = Conditions.put(c, "Ready", "False", "c", "m", 1, T0);
        assertEquals(
                List.of("Ready", "SpecApplied"), c.stream().map(Condition::type).toList());
        assertEquals(
                List.of("SpecApplied"),
                Conditions.remove(c, "Ready").stream().map(Condition::type).toList());
    }
}
