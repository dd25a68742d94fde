package io.peregrine.dataplane.reactor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReactorTest {
    @Test
    void messagesRunOnTheOwnerThreadInOrder() throws Exception {
        try (Reactor r = Reactor.start("r", -1, IdlePolicy.DEFAULT)) {
            StringBuilder seen = new StringBuilder();
            CompletableFuture<String> done = new CompletableFuture<>();
            for (int i = 0; i < 10; i++) {
                int n = i;
                r.core().execute(() -> {
                    r.core().checkCoreThread();
                    seen.append(n);
                });
            }
            r.core().execute(() -> done.complete(seen.toString()));
            assertEquals("0123456789", done.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void reactorsPassMessagesBackAndForth() throws Exception {
        try (ReactorGroup g = ReactorGroup.startUnpinned("g", 2, IdlePolicy.DEFAULT)) {
            AtomicInteger hops = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(1);
            Runnable[] ping = new Runnable[2];
            for (int i = 0; i < 2; i++) {
                int me = i;
                ping[i] = () -> {
                    g.get(me).core().checkCoreThread();
                    if (hops.incrementAndGet() == 1000) {
                        done.countDown();
                    } else {
                        g.get(1 - me).core().execute(ping[1 - me]);
                    }
                };
            }
            g.get(0).core().execute(ping[0]);
            assertTrue(done.await(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void anIdleReactorParksAndCountsItsTimeAsIdle() throws Exception {
        try (Reactor r = Reactor.start("idle", -1, new IdlePolicy(10_000, 5_000_000, 1_000, 10_000))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (r.parks() < 20 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(r.parks() >= 20, "parks: " + r.parks());
            assertTrue(r.core().idleNanos() > r.core().busyNanos());
            // a message still gets through to the parked reactor
            assertEquals(7, r.core().submit(() -> 7).get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aPollerWithIoInFlightKeepsTheReactorPolling() throws Exception {
        try (Reactor r = Reactor.start("poll", -1, new IdlePolicy(1_000, 50_000_000, 1_000, 1_000))) {
            AtomicInteger polls = new AtomicInteger();
            CompletableFuture<Void> added = new CompletableFuture<>();
            Poller inFlight = new Poller() {
                @Override
                public int poll() {
                    polls.incrementAndGet();
                    return 0;
                }

                @Override
                public boolean needsPolling() {
                    return true;
                }
            };
            r.core().execute(() -> {
                r.core().addPoller(inFlight);
                added.complete(null);
            });
            added.get(10, TimeUnit.SECONDS);
            int before = polls.get();
            Thread.sleep(200);
            // with 50 ms idle parks it would poll ~4 times; a 1 µs back-off polls far more often
            assertTrue(polls.get() - before > 20, "polls: " + (polls.get() - before));
        }
    }

    @Test
    void aThrowingMessageDoesNotStopTheCore() throws Exception {
        try (Reactor r = Reactor.start("t", -1, IdlePolicy.DEFAULT)) {
            r.core().execute(() -> {
                throw new IllegalStateException("boom (expected by the test)");
            });
            assertEquals(1, r.core().submit(() -> 1).get(10, TimeUnit.SECONDS));
            assertEquals(1, r.core().failures());
        }
    }

    @Test
    void perThreadObjectsRefuseOtherThreads() {
        Reactor r = Reactor.onCurrentThread("mine", IdlePolicy.DEFAULT);
        r.core().checkCoreThread();
        CompletableFuture<Throwable> other = CompletableFuture.supplyAsync(() -> {
            try {
                r.core().checkCoreThread();
                return null;
            } catch (IllegalStateException e) {
                return e;
            }
        });
        assertTrue(other.join().getMessage().contains("owned by"));
        assertEquals("x", r.runUntil(CompletableFuture.supplyAsync(() -> "x")));
    }

    @Test
    void deferredCompletionsRunOnALaterIterationInOrder() {
        Reactor r = Reactor.onCurrentThread("d", IdlePolicy.DEFAULT);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            int n = i % 10;
            r.core().completeLater(st -> sb.append(n), io.peregrine.dataplane.bdev.IoStatus.SUCCESS);
        }
        assertEquals("", sb.toString());
        r.core().runOnce();
        assertEquals(1000, sb.length());
        assertEquals("0123456789", sb.substring(0, 10));
    }

    @Test
    void coreListsParseLikeTaskset() {
        assertArrayEquals(new int[] {0, 1, 2, 3, 6}, CoreList.parse("0-3,6").cpus());
        assertArrayEquals(new int[] {2}, CoreList.parse(" 2 ").cpus());
        assertThrows(IllegalArgumentException.class, () -> CoreList.parse("3-1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CoreList.parse("a"));
        assertTrue(e.getMessage().contains("0-3,6"));
    }

    @Test
    void pinningToAnAllowedCpuWorks() throws Exception {
        int[] allowed = CpuAffinity.allowedCpus();
        assertTrue(allowed.length > 0);
        try (Reactor r = Reactor.start("pinned", allowed[0], IdlePolicy.DEFAULT)) {
            int[] mine = r.core().submit(CpuAffinity::allowedCpus).get(10, TimeUnit.SECONDS);
            assertArrayEquals(new int[] {allowed[0]}, mine);
        }
    }
}
