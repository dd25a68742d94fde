package io.peregrine.dataplane.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.bdev.Bdevs;
import io.peregrine.dataplane.bdev.IoBuffer;
import io.peregrine.dataplane.bdev.IoCompletion;
import io.peregrine.dataplane.bdev.IoStatus;
import io.peregrine.dataplane.reactor.IdlePolicy;
import io.peregrine.dataplane.reactor.Reactor;
import java.lang.management.ManagementFactory;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DESIGN §2: no allocation per I/O in the steady state. Reads and writes of allocated clusters,
 * through the volume channel, the bdev channel and the reactor, measured with the thread's
 * allocated-bytes counter.
 */
class AllocationFreeIoTest {
    private static final int OPS = 20_000;

    /** Keeps 16 I/Os in flight, resubmitting from each completion. */
    private static final class Driver implements IoCompletion {
        final BlobChannel ch;
        final IoBuffer buf;
        final long blocks;
        final boolean write;
        long seq = 0x9E3779B97F4A7C15L;
        int submitted;
        int completed;
        int target;
        int failures;

        Driver(BlobChannel ch, IoBuffer buf, boolean write) {
            this.ch = ch;
            this.buf = buf;
            this.blocks = ch.blockCount();
            this.write = write;
        }

        void submit() {
            seq ^= seq << 13;
            seq ^= seq >>> 7;
            seq ^= seq << 17;
            long lba = (seq >>> 1) % (blocks / 8) * 8;
            submitted++;
            if (write) {
                ch.write(lba, 8, buf.segment(), 0, false, this);
            } else {
                ch.read(lba, 8, buf.segment(), 0, this);
            }
        }

        @Override
        public void complete(IoStatus status) {
            completed++;
            if (!status.isSuccess()) {
                failures++;
            }
            if (submitted < target) {
                submit();
            }
        }

        void run(Reactor r, int ops) {
            target = submitted + ops;
            int start = completed;
            for (int i = 0; i < 16; i++) {
                submit();
            }
            while (completed - start < ops) {
                r.core().runOnce();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"malloc://?size=64M&bs=4096", "emu://?null&size=64M&block=4096"})
    void steadyStateReadsAndWritesAllocateNothing(String device) throws Exception {
        Reactor r = Reactor.onCurrentThread("alloc", IdlePolicy.DEFAULT);
        try (Bdev bdev = Bdevs.open(device)) {
            BlobStore store = r.runUntil(BlobStore.create(bdev, r.core(), "a", 1 << 20, false));
            BlobInfo thick = r.runUntil(store.createBlob(32, false, new TreeMap<>()));
            BlobChannel ch = store.openChannel(thick.uuid(), r.core());
            ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            long tid = Thread.currentThread().threadId();
            try (IoBuffer buf = ch.allocateBuffer(32768)) {
                for (boolean write : new boolean[] {true, false}) {
                    Driver d = new Driver(ch, buf, write);
                    d.run(r, OPS); // warm up: pools fill, the JIT compiles
                    d.run(r, OPS);
                    long before = mx.getThreadAllocatedBytes(tid);
                    d.run(r, OPS);
                    long allocated = mx.getThreadAllocatedBytes(tid) - before;
                    assertEquals(0, d.failures);
                    // a few hundred bytes of slack for a stray safepoint or counter object
                    assertTrue(
                            allocated < 2048,
                            device + ": " + (write ? "writes" : "reads") + " allocated " + allocated + " bytes for "
                                    + OPS + " I/Os");
                }
            }
            while (ch.outstanding() > 0) {
                r.core().runOnce();
            }
            ch.close();
            r.runUntil(store.unload());
        }
    }
}
