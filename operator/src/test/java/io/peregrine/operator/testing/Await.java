package io.peregrine.operator.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition a test expects to become true, and says what it saw when it did not. */
public final class Await {

    public static final Duration DEFAULT = Duration.ofSeconds(30);

    private Await() {}

    public static void until(String what, BooleanSupplier condition, Supplier<?> state) {
        until(what, DEFAULT, condition, state);
    }

    public static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<?> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + timeout + " waiting for " + what + "; last seen: " + state.get());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
        }
    }
}
