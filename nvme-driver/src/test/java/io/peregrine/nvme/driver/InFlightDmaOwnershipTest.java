package io.peregrine.nvme.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.nvme.dma.DmaBufferPool;
import io.peregrine.nvme.emu.EmuBackend;
import io.peregrine.nvme.emu.EmulatedController;
import io.peregrine.nvme.spec.StatusCode;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A command's data buffer is the device's until its callback runs. When a queue pair fails with
 * commands in flight, the driver may stop the pair at once but must not complete those commands
 * — and so hand their buffers back — while the device could still write them: only after the
 * controller was disabled, or fenced off the bus when it would not disable. The model's hung
 * commands write their data late, racing the host's disable, so an early completion shows up as
 * someone else's buffer overwritten.
 */
class InFlightDmaOwnershipTest {

    private static final int BYTES = 16384; // four pages: PRP1 and a PRP list
    private static final int BLOCKS = BYTES / 512;
    private static final byte ON_DISK = (byte) 0xAB;
    private static final byte NEXT_OWNERS = (byte) 0x5A;

    /** CAP.TO in 500 ms units; I/O never times out on its own here. */
    private static ModelFixture fixture(int timeoutUnits) {
        return new ModelFixture(
                EmulatedController.builder()
                        .timeoutUnits(timeoutUnits)
                        .namespace(EmuBackend.memory(4 << 20))
                        .build(),
                ControllerOptions.defaults()
                        .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(60))
                        .withHealthCheckInterval(Duration.ofMillis(20)));
    }

    @Test
    void aFailedCommandsBufferIsHandedBackOnlyAfterTheResetDisabledTheDevice() throws InterruptedException {
        try (ModelFixture f = fixture(40); // CAP.TO = 20 s: the reset waits for the stopped model
                DmaBufferPool pool = f.pool(BYTES, 1)) {
            IoQueuePair qp = f.controller.createIoQueuePair();
            Reuse reuse = startHungRead(f, qp, pool);

            f.model.stop(); // the device stops answering; the reset's CC.EN=0 waits for it
            Thread resetter = Thread.ofVirtual().start(f.controller::reset);
            pollWhileDisconnecting(qp);
            assertEquals(
                    0,
                    reuse.completed,
                    "the read was completed (and its buffer handed on) while the device could still write it");
            assertTrue(qp.hasOutstanding(), "the read is still the device's: the reactor must keep polling");

            f.model.faults().wakeHungCommands();
            f.model.start(); // the hung read writes its data now, then the model sees CC.EN=0
            reuse.await(qp, Duration.ofSeconds(30));
            resetter.join(Duration.ofSeconds(30));
            assertEquals(StatusCode.ABORTED_BY_HOST.field(), reuse.status);
            assertEquals(ControllerState.READY, f.controller.state());

            pollFor(qp, Duration.ofMillis(200));
            assertUntouched(reuse.next);

            // the pair reconnects by itself and the data the late read moved is on the disk as before
            MemorySegment next = reuse.next;
            assertEquals(0, Completions.runWhenConnected(qp, c -> f.ns.read(qp, next, 0, BLOCKS, c, null)));
            for (long i = 0; i < BYTES; i++) assertEquals(ON_DISK, next.get(ValueLayout.JAVA_BYTE, i));
            qp.close();
        }
    }

    @Test
    void aControllerThatWillNotDisableIsFencedBeforeTheBufferIsHandedBack() throws InterruptedException {
        try (ModelFixture f = fixture(1); // CAP.TO = 500 ms: the reset attempts give up quickly
                DmaBufferPool pool = f.pool(BYTES, 1)) {
            IoQueuePair qp = f.controller.createIoQueuePair();
            Reuse reuse = startHungRead(f, qp, pool);

            f.model.stop(); // never disables: every reset attempt times out
            f.controller.reset();
            assertEquals(ControllerState.FAILED, f.controller.state());
            reuse.await(qp, Duration.ofSeconds(10));
            assertEquals(StatusCode.ABORTED_BY_HOST.field(), reuse.status);

            f.model.faults().wakeHungCommands();
            f.model.start(); // Bus Master Enable is clear: the late read reaches no memory
            long until = System.nanoTime() + Duration.ofMillis(300).toNanos();
            while (System.nanoTime() < until) Thread.sleep(10);
            assertUntouched(reuse.next);
            assertFalse(qp.connected());
            qp.close();
        }
    }

    @Test
    void closingAPairWhoseQueuesCannotBeDeletedWaitsForTheResetBeforeCompleting() throws InterruptedException {
        try (ModelFixture f = new ModelFixture(
                        EmulatedController.builder()
                                .timeoutUnits(40)
                                .namespace(EmuBackend.memory(4 << 20))
                                .build(),
                        ControllerOptions.defaults()
                                .withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(60))
                                .withHealthCheckInterval(Duration.ofMillis(20)));
                DmaBufferPool pool = f.pool(BYTES, 1)) {
            IoQueuePair qp = f.controller.createIoQueuePair();
            Reuse reuse = startHungRead(f, qp, pool);

            f.model.stop(); // Delete I/O SQ times out and a reset is requested; the device wakes later
            Thread waker = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                f.model.faults().wakeHungCommands();
                f.model.start();
            });
            qp.close();
            waker.join();

            assertEquals(1, reuse.completed, "close() completes what was in flight");
            assertEquals(StatusCode.ABORTED_BY_HOST.field(), reuse.status);
            long until = System.nanoTime() + Duration.ofMillis(200).toNanos();
            while (System.nanoTime() < until) Thread.sleep(10);
            assertUntouched(reuse.next);
        }
    }

    /** Writes the pattern to LBA 0, then submits a read of it that the model fetches and hangs. */
    private static Reuse startHungRead(ModelFixture f, IoQueuePair qp, DmaBufferPool pool) {
        MemorySegment buffer = pool.acquire();
        buffer.fill(ON_DISK);
        assertEquals(0, Completions.run(qp, c -> f.ns.write(qp, buffer, 0, BLOCKS, c, null)));
        buffer.fill((byte) 0);

        f.model.faults().hangCommands(1);
        Reuse reuse = new Reuse(pool);
        assertEquals(IoQueuePair.SUBMITTED, f.ns.read(qp, buffer, 0, BLOCKS, reuse, buffer));
        pollFor(qp, Duration.ofMillis(200)); // the model fetches it and hangs
        assertEquals(0, reuse.completed);
        return reuse;
    }

    private static void pollWhileDisconnecting(IoQueuePair qp) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (qp.connected() && System.nanoTime() < deadline) qp.processCompletions(64);
        assertFalse(qp.connected(), "the reset did not reach the queue pair");
        pollFor(qp, Duration.ofMillis(300));
    }

    private static void pollFor(IoQueuePair qp, Duration time) {
        long until = System.nanoTime() + time.toNanos();
        while (System.nanoTime() < until) {
            qp.processCompletions(64);
            Thread.onSpinWait();
        }
    }

    private static void assertUntouched(MemorySegment next) {
        for (long i = 0; i < BYTES; i++) {
            byte b = next.get(ValueLayout.JAVA_BYTE, i);
            if (b != NEXT_OWNERS) {
                throw new AssertionError("byte " + i + " of the buffer's next owner is 0x"
                        + Integer.toHexString(b & 0xff) + ": the device wrote memory after it was handed on");
            }
        }
    }

    /**
     * The callback as an upper layer would write it: on completion the buffer goes back to the
     * pool, and its next owner takes it and fills it with its own data at once.
     */
    private static final class Reuse implements IoCallback<MemorySegment> {
        private final DmaBufferPool pool;
        int completed;
        int status = -1;
        MemorySegment next;

        Reuse(DmaBufferPool pool) {
            this.pool = pool;
        }

        @Override
        public void onComplete(MemorySegment buffer, int status) {
            completed++;
            this.status = status;
            pool.release(buffer);
            next = pool.acquire();
            next.fill(NEXT_OWNERS);
        }

        void await(IoQueuePair qp, Duration limit) {
            long deadline = System.nanoTime() + limit.toNanos();
            while (completed == 0) {
                qp.processCompletions(64);
                if (System.nanoTime() > deadline) throw new AssertionError("the read never completed: " + qp);
                Thread.onSpinWait();
            }
        }
    }
}
