package io.peregrine.operator.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkQueueTest {

    private final AtomicInteger depth = new AtomicInteger(-1);
    private final WorkQueue<String> q =
            new WorkQueue<>("test", new Backoff(Duration.ofMillis(20), Duration.ofMillis(80)), depth::set);

    @AfterEach
    void close() {
        q.close();
    }

    @Test
    void aKeyIsQueuedOnceHoweverOftenItIsAdded() throws InterruptedException {
        q.add("a");
        q.add("b");
        q.add("a");
        assertEquals(2, q.depth());
        assertEquals(2, depth.get());
        assertEquals(Optional.of("a"), q.take());
        assertEquals(Optional.of("b"), q.take());
        assertEquals(0, depth.get());
    }

    @Test
    void aKeyAddedWhileProcessingWaitsForDone() throws InterruptedException {
        q.add("a");
        String key = q.take().orElseThrow();
        q.add("a");
        assertEquals(0, q.depth(), "not handed to a second worker while the first has it");
        q.done(key);
        assertEquals(1, q.depth(), "queued again after done, so the latest state is reconciled");
        assertEquals(Optional.of("a"), q.take());
        q.done("a");
        assertEquals(0, q.depth());
    }

    @Test
    void delayedAddsKeepTheEarliestDeadline() throws InterruptedException {
        q.addAfter("a", Duration.ofSeconds(30));
        q.addAfter("a", Duration.ofMillis(30));
        q.addAfter("a", Duration.ofSeconds(10));
        long start = System.nanoTime();
        assertEquals(Optional.of("a"), q.take());
        long waited = (System.nanoTime() - start) / 1_000_000;
        assertTrue(waited < 5_000, "waited " + waited + " ms");
    }

    @Test
    void failuresBackOffUntilForgotten() throws InterruptedException {
        q.addRateLimited("a");
        q.addRateLimited("a");
        q.addRateLimited("a");
        assertEquals(3, q.failures("a"));
        assertEquals(Optional.of("a"), q.take());
        q.forget("a");
        assertEquals(0, q.failures("a"));
    }

    @Test
    void closeWakesEveryTaker() throws InterruptedException {
        List<Optional<String>> results = new ArrayList<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                Optional<String> r = q.take();
                synchronized (results) {
                    results.add(r);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread.sleep(50);
        q.close();
        t.join(5000);
        assertEquals(List.of(Optional.empty()), results);
        q.add("a");
        assertEquals(0, q.depth(), "a closed queue takes nothing");
    }
}
