package io.peregrine.operator.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesUpToTheCap() {
        Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(5));
        assertEquals(Duration.ofMillis(500), b.delay(0));
        assertEquals(Duration.ofMillis(500), b.delay(1));
        assertEquals(Duration.ofSeconds(1), b.delay(2));
        assertEquals(Duration.ofSeconds(2), b.delay(3));
        assertEquals(Duration.ofSeconds(4), b.delay(4));
        assertEquals(Duration.ofSeconds(5), b.delay(5));
        assertEquals(Duration.ofSeconds(5), b.delay(Integer.MAX_VALUE));
    }

    @Test
    void theDefaultReachesFiveMinutes() {
        assertEquals(Duration.ofMinutes(5), Backoff.DEFAULT.delay(100));
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }
}
