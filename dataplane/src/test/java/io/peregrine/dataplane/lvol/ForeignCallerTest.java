package io.peregrine.dataplane.lvol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.bdev.BdevChannel;
import io.peregrine.dataplane.bdev.BdevException;
import io.peregrine.dataplane.bdev.BdevFeatures;
import io.peregrine.dataplane.bdev.BdevSpec;
import io.peregrine.dataplane.bdev.Bdevs;
import io.peregrine.dataplane.bdev.IoCompletion;
import io.peregrine.dataplane.blob.BlobStore;
import io.peregrine.dataplane.check.PoolChecker;
import io.peregrine.dataplane.reactor.CpuAffinity;
import io.peregrine.dataplane.reactor.IdlePolicy;
import io.peregrine.dataplane.reactor.Reactor;
import io.peregrine.dataplane.reactor.ReactorCore;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's asynchronous entry points called from threads that are not the metadata reactor,
 * as the daemon's management calls do: every metadata I/O must be submitted, and every
 * completion run, on the metadata reactor whoever called -- even when the reactor answers the
 * first step before the caller could chain the next one (what used to run the rest of the chain
 * on the caller). Many rounds from several callers at once make that race likely; the engine's
 * own thread guards turn an escaped step into a failed future, and the recording device catches
 * one independently of them.
 */
class ForeignCallerTest {
    static final int CALLERS = 3;
    static final int ROUNDS = 100;

    int cpu;
    Reactor md;
    Thread mdThread;
    final Queue<String> offThread = new ConcurrentLinkedQueue<>();
    final AtomicLong steps = new AtomicLong();

    @BeforeEach
    void setUp() {
        // The race needs the reactor to finish a step before its caller chains the next one. A
        // reactor that parks the moment it is idle, on the callers' CPU, is woken by each call
        // and -- the scheduler favours a thread that slept -- usually runs before the caller
        // gets the CPU back.
        cpu = CpuAffinity.allowedCpus()[0];
        md = Reactor.start("md", cpu, new IdlePolicy(0, 50_000_000, 20_000, 1_000_000));
        mdThread = md.core().submit(Thread::currentThread).join();
    }

    @AfterEach
    void tearDown() {
        md.close();
    }

    @Test
    void poolLifecycleAndCheckFromForeignThreadsRunEveryStepOnTheMetadataReactor() throws Exception {
        List<Thread> callers = new ArrayList<>();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        for (int c = 0; c < CALLERS; c++) {
            int id = c;
            Runnable work = () -> {
                if (!Thread.currentThread().isVirtual()) {
                    CpuAffinity.pinCurrentThread(cpu, "caller-" + id);
                }
                try (Bdev bdev = new Recording(Bdevs.open("malloc://?size=16M"))) {
                    for (int round = 0; round < ROUNDS; round++) {
                        oneRound(bdev, "p" + id);
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            };
            // the daemon calls from virtual threads; tools from platform threads
            callers.add(
                    id == 0
                            ? Thread.ofVirtual().start(work)
                            : Thread.ofPlatform().start(work));
        }
        for (Thread t : callers) {
            t.join();
        }
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError(failures.size() + " caller(s) failed");
            failures.forEach(e::addSuppressed);
            throw e;
        }
        assertEquals(List.of(), List.copyOf(offThread), "metadata steps that ran off the metadata reactor");
        assertTrue(steps.get() > CALLERS * ROUNDS * 10L, "only " + steps.get() + " metadata I/O steps seen");
    }

    private void oneRound(Bdev bdev, String name) {
        ReactorCore core = md.core();
        BlobStore created = BlobStore.create(bdev, core, name, 1 << 20, true).join();
        created.unload().join();
        BlobStore loaded = BlobStore.load(bdev, core).join();
        loaded.unload().join();

        LvolStore pool = LvolStore.create(
                        bdev,
                        core,
                        PoolOptions.named(name).withClusterSize(1 << 20).withForce(true))
                .join();
        pool.createVolume("v", 2 << 20, true, Map.of()).join();
        pool.snapshot("v", "s", Map.of()).join();
        pool.export().join();
        LvolStore imported = LvolStore.importPool(bdev, core).join();
        assertEquals(2, imported.list().join().size());
        imported.export().join();

        PoolChecker.Report report = PoolChecker.check(bdev, core).join();
        assertEquals(0, report.exitCode(), report::describe);
    }

    private void step(String what) {
        steps.incrementAndGet();
        Thread t = Thread.currentThread();
        if (t != mdThread) {
            offThread.add(what + " on " + t);
        }
    }

    /** A device that notes every channel open, submission and completion that is not on md. */
    private final class Recording implements Bdev {
        private final Bdev inner;

        Recording(Bdev inner) {
            this.inner = inner;
        }

        @Override
        public BdevSpec spec() {
            return inner.spec();
        }

        @Override
        public int blockSize() {
            return inner.blockSize();
        }

        @Override
        public long blockCount() {
            return inner.blockCount();
        }

        @Override
        public BdevFeatures features() {
            return inner.features();
        }

        @Override
        public boolean readOnly() {
            return inner.readOnly();
        }

        @Override
        public int bufferAlignment() {
            return inner.bufferAlignment();
        }

        @Override
        public BdevChannel openChannel(ReactorCore core) {
            step("open channel");
            return new Channel(inner.openChannel(core), this);
        }

        @Override
        public void close() throws BdevException {
            inner.close();
        }
    }

    private final class Channel implements BdevChannel {
        private final BdevChannel inner;
        private final Bdev bdev;

        Channel(BdevChannel inner, Bdev bdev) {
            this.inner = inner;
            this.bdev = bdev;
        }

        private IoCompletion traced(String what, IoCompletion cb) {
            step(what);
            return st -> {
                step(what + " completion");
                cb.complete(st);
            };
        }

        @Override
        public Bdev bdev() {
            return bdev;
        }

        @Override
        public ReactorCore core() {
            return inner.core();
        }

        @Override
        public void read(long lba, int blocks, MemorySegment buf, long bufOffset, IoCompletion cb) {
            inner.read(lba, blocks, buf, bufOffset, traced("read", cb));
        }

        @Override
        public void write(long lba, int blocks, MemorySegment buf, long bufOffset, IoCompletion cb) {
            inner.write(lba, blocks, buf, bufOffset, traced("write", cb));
        }

        @Override
        public void writeZeroes(long lba, long blocks, IoCompletion cb) {
            inner.writeZeroes(lba, blocks, traced("write zeroes", cb));
        }

        @Override
        public void unmap(long lba, long blocks, IoCompletion cb) {
            inner.unmap(lba, blocks, traced("unmap", cb));
        }

        @Override
        public void flush(IoCompletion cb) {
            inner.flush(traced("flush", cb));
        }

        @Override
        public int outstanding() {
            return inner.outstanding();
        }

        @Override
        public long bounced() {
            return inner.bounced();
        }

        @Override
        public void close() {
            step("close channel");
            inner.close();
        }
    }

    @Test
    void theGuardNamesWhatWasTouchedAndWhoseItIs() {
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class, () -> md.core().checkCoreThread("the metadata of pool p"));
        assertTrue(e.getMessage().startsWith("the metadata of pool p touched on thread "), e.getMessage());
        assertTrue(
                e.getMessage().contains("it belongs to reactor core md (thread " + mdThread.getName() + ")"),
                e.getMessage());
    }

    @Test
    void chainsStartedOnTheReactorCompleteThereEvenWhenTheCallerWasFirst() {
        // the engine's building block: ReactorCore.call hands the result over on the owner thread
        CompletableFuture<Thread> elsewhere = new CompletableFuture<>();
        CompletableFuture<Thread> f = md.core().call(() -> elsewhere.thenApply(x -> Thread.currentThread()));
        CompletableFuture<Thread> seen = f.thenApply(x -> Thread.currentThread());
        elsewhere.complete(Thread.currentThread()); // completed by this (foreign) thread
        assertEquals(mdThread, seen.join());
    }
}
