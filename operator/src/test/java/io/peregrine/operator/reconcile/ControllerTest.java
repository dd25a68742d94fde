package io.peregrine.operator.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.peregrine.operator.observe.OperatorMetrics;
import io.peregrine.operator.observe.OperatorMetrics.Outcome;
import io.peregrine.operator.testing.Await;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ControllerTest {

    private final OperatorMetrics metrics = new OperatorMetrics();
    private final Backoff fast = new Backoff(Duration.ofMillis(10), Duration.ofMillis(40));

    @Test
    void neverRunsTwoReconcilesOfOneKeyAtOnce() throws InterruptedException {
        Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        Reconciler slow = key -> {
            if (running.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            Thread.sleep(20);
            running.get(key).decrementAndGet();
            runs.incrementAndGet();
            return Result.done();
        };
        try (Controller c = new Controller("Test", slow, fast, 8, metrics)) {
            c.start();
            for (int i = 0; i < 200; i++) {
                c.enqueue("k" + (i % 3));
                Thread.sleep(1);
            }
            Await.until(
                    "queue drained",
                    () -> c.queueDepth() == 0 && running.values().stream().allMatch(n -> n.get() == 0),
                    () -> running);
        }
        assertEquals(0, overlaps.get());
        assertTrue(runs.get() >= 3 && runs.get() < 200, "events were coalesced: " + runs.get());
    }

    @Test
    void failuresAreRetriedWithBackoffAndCounted() {
        AtomicInteger calls = new AtomicInteger();
        Reconciler flaky = key -> {
            int n = calls.incrementAndGet();
            if (n == 1) {
                throw new IllegalStateException("boom");
            }
            if (n == 2) {
                throw new KubernetesClientException("conflict", 409, null);
            }
            if (n == 3) {
                return Result.retry();
            }
            return Result.done();
        };
        try (Controller c = new Controller("Test", flaky, fast, 1, metrics)) {
            c.start();
            c.enqueue("a");
            Await.until("success", () -> metrics.reconcileCount("Test", Outcome.SUCCESS) == 1, calls::get);
        }
        assertEquals(4, calls.get());
        assertEquals(2, metrics.reconcileCount("Test", Outcome.ERROR));
        assertEquals(1, metrics.reconcileCount("Test", Outcome.REQUEUE), "a conflict is a requeue, not an error");
    }

    @Test
    void aRequestedRequeueComesBack() {
        AtomicInteger calls = new AtomicInteger();
        Reconciler periodic = key -> calls.incrementAndGet() < 3 ? Result.after(Duration.ofMillis(20)) : Result.done();
        try (Controller c = new Controller("Test", periodic, fast, 2, metrics)) {
            c.start();
            c.enqueue("a");
            Await.until("three runs", () -> calls.get() == 3, calls::get);
        }
        assertEquals(2, metrics.reconcileCount("Test", Outcome.REQUEUE));
    }
}
