package io.peregrine.csi.host;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Waiting for the kernel (a namespace to appear, a controller to go) with a deadline. */
public final class Poll {

    private Poll() {}

    /** Asks {@code probe} every {@code interval} until it answers or {@code limit} passes. */
    public static <T> Optional<T> until(Duration limit, Duration interval, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            Optional<T> answer = probe.get();
            if (answer.isPresent()) return answer;
            if (System.nanoTime() - deadline >= 0) return Optional.empty();
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }
}
