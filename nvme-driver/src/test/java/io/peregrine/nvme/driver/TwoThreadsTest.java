package io.peregrine.nvme.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.peregrine.nvme.dma.DmaBufferPool;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Two threads, each with its own queue pair, writing and verifying disjoint halves at once. */
class TwoThreadsTest {

    @Test
    void twoOwnersTwoQueuePairsNoInterference() throws Exception {
        try (ModelFixture f = ModelFixture.memory(32 << 20)) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            long half = f.ns.blockCount() / 2;
            Thread[] workers = new Thread[2];
            for (int t = 0; t < 2; t++) {
                long base = t * half;
                int seed = t;
                workers[t] = Thread.ofPlatform().name("owner-" + t).start(() -> {
                    try (IoQueuePair qp = f.controller.createIoQueuePair();
                            DmaBufferPool pool = f.pool(64 * 1024, 2)) {
                        MemorySegment out = pool.acquire();
                        MemorySegment in = pool.acquire();
                        for (int i = 0; i < 64; i++) {
                            long lba = base + i * 128L;
                            ModelFixture.fillRandom(out, seed * 1000L + i);
                            assertEquals(0, Completions.run(qp, c -> f.ns.write(qp, out, lba, 128, c, null)));
                        }
                        for (int i = 0; i < 64; i++) {
                            long lba = base + i * 128L;
                            ModelFixture.fillRandom(out, seed * 1000L + i);
                            assertEquals(0, Completions.run(qp, c -> f.ns.read(qp, in, lba, 128, c, null)));
                            assertEquals(-1, in.mismatch(out), "thread " + seed + " chunk " + i);
                        }
                        pool.release(out);
                        pool.release(in);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            for (Thread w : workers) w.join(Duration.ofSeconds(60));
            if (failure.get() != null) throw new AssertionError(failure.get());
        }
    }
}
