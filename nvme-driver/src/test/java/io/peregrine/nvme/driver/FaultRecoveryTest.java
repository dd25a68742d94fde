package io.peregrine.nvme.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.nvme.dma.DmaBufferPool;
import io.peregrine.nvme.emu.EmuBackend;
import io.peregrine.nvme.emu.EmulatedController;
import io.peregrine.nvme.spec.Status;
import io.peregrine.nvme.spec.StatusCode;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each fault the model injects, and the driver path it drives: media errors reported with their
 * status and logs; slow completions waited for; a command past its timeout aborted; a lost
 * completion recovered by a controller reset; controller fatal status detected and reset.
 */
class FaultRecoveryTest {

    private ModelFixture f;
    private DmaBufferPool pool;
    private IoQueuePair qp;
    private MemorySegment buffer;

    @BeforeEach
    void open() {
        f = ModelFixture.memory(4 << 20, ModelFixture.faultOptions());
        pool = f.pool(64 * 1024, 2);
        qp = f.controller.createIoQueuePair();
        buffer = pool.acquire();
    }

    @AfterEach
    void close() {
        pool.release(buffer);
        qp.close();
        pool.close();
        f.close();
    }

    private int read(long lba, int blocks) {
        return Completions.run(qp, c -> f.ns.read(qp, buffer, lba, blocks, c, null));
    }

    private int write(long lba, int blocks) {
        return Completions.run(qp, c -> f.ns.write(qp, buffer, lba, blocks, c, null));
    }

    @Test
    void mediaErrorsFailTheCommandAndAreLoggedAndCounted() {
        f.model.faults().mediaError(1, 100, 109).mediaError(1, 500, 500, false, true);
        assertEquals(0, read(0, 8));
        int status = read(96, 8); // touches 100..103
        assertTrue(Status.is(status, StatusCode.UNRECOVERED_READ_ERROR), Status.describe(status));
        assertEquals(0, read(110, 8));
        assertEquals(0, write(100, 1)); // only reads fail there
        int writeStatus = write(496, 8);
        assertTrue(Status.is(writeStatus, StatusCode.WRITE_FAULT), Status.describe(writeStatus));

        List<ErrorInfo> errors = f.controller.errorLog();
        assertEquals(2, errors.size());
        ErrorInfo newest = errors.getFirst();
        assertEquals(2, newest.errorCount());
        assertTrue(newest.status().is(StatusCode.WRITE_FAULT));
        assertEquals(500, newest.lba());
        assertEquals(qp.queueId(), newest.sqid());
        assertEquals(1, newest.nsid());
        assertTrue(errors.get(1).status().is(StatusCode.UNRECOVERED_READ_ERROR));
        assertEquals(100, errors.get(1).lba());

        SmartHealth smart = f.controller.smartHealth();
        assertEquals(2, smart.mediaErrors());
        assertEquals(2, smart.errorLogEntries());
        assertEquals(2, qp.failedCommands());
    }

    @Test
    void slowCompletionsWithinTheTimeoutAreWaitedFor() {
        f.model.faults().delayCompletions(Duration.ofMillis(100), 2);
        long start = System.nanoTime();
        assertEquals(0, write(0, 8));
        assertEquals(0, read(0, 8));
        assertTrue(System.nanoTime() - start >= 200_000_000L);
        assertEquals(0, qp.timedOutCommands());
        assertEquals(0, f.controller.resets());
    }

    @Test
    void aCommandPastItsTimeoutIsAborted() {
        f.model.faults().delayCompletions(Duration.ofSeconds(30), 1);
        int status = read(0, 8);
        assertTrue(Status.is(status, StatusCode.ABORT_REQUESTED), Status.describe(status));
        assertEquals(1, qp.timedOutCommands());
        assertEquals(0, f.controller.resets());
        assertEquals(0, read(0, 8)); // and the queue pair goes on
    }

    @Test
    void aLostCompletionEndsInAControllerResetAndTheQueuePairReconnects() {
        ModelFixture.fillRandom(buffer, 3);
        assertEquals(0, write(0, 16));
        f.model.faults().dropCompletions(1);
        int status = read(0, 16);
        assertTrue(Status.is(status, StatusCode.ABORTED_BY_HOST), Status.describe(status));
        assertEquals(1, qp.timedOutCommands());
        awaitReady();
        assertEquals(1, f.controller.resets());

        MemorySegment expected = MemorySegment.ofArray(new byte[8192]);
        ModelFixture.fillRandom(expected, 3);
        buffer.fill((byte) 0);
        assertEquals(0, awaitReconnectedRead(0, 16));
        assertEquals(-1, buffer.asSlice(0, 8192).mismatch(expected), "data survives the reset");
    }

    @Test
    void controllerFatalStatusIsDetectedAndResetWithCommandsInFlightFailed() {
        f.model.stop(); // hold the command in the SQ while the controller dies
        Completions c = new Completions();
        assertEquals(IoQueuePair.SUBMITTED, f.ns.read(qp, buffer, 0, 8, c, null));
        qp.flushSubmissions();
        f.model.faults().controllerFatal();
        f.model.start();
        c.await(qp, 1, Duration.ofSeconds(20));
        assertTrue(Status.is(c.lastStatus, StatusCode.ABORTED_BY_HOST), Status.describe(c.lastStatus));
        awaitReady();
        assertEquals(1, f.controller.resets());
        assertEquals(0, awaitReconnectedRead(0, 8));
    }

    @Test
    void aControllerThatCannotComeBackIsFailedAndSaysSo() {
        f.model.faults().stallReady(true).controllerFatal();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (f.controller.state() != ControllerState.FAILED && System.nanoTime() < deadline) {
            qp.processCompletions(8);
            Thread.onSpinWait();
        }
        assertEquals(ControllerState.FAILED, f.controller.state());
        assertEquals(IoQueuePair.DISCONNECTED, f.ns.read(qp, buffer, 0, 1, new Completions(), null));
        assertTrue(!qp.connected());
        NvmeException e = org.junit.jupiter.api.Assertions.assertThrows(NvmeException.class, f.controller::smartHealth);
        assertTrue(e.getMessage().contains("FAILED"), e.getMessage());
    }

    @Test
    void aRequestedResetReconnectsIdleQueuePairs() {
        assertEquals(0, write(0, 8));
        f.controller.reset();
        assertEquals(ControllerState.READY, f.controller.state());
        assertEquals(IoQueuePair.DISCONNECTED, f.ns.read(qp, buffer, 0, 8, new Completions(), null));
        assertEquals(0, awaitReconnectedRead(0, 8));
        assertEquals(1, f.controller.resets());
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (f.controller.state() != ControllerState.READY && System.nanoTime() < deadline) {
            qp.processCompletions(8);
            Thread.onSpinWait();
        }
        assertEquals(ControllerState.READY, f.controller.state());
    }

    /** Polls until the pair has reconnected, then reads. */
    private int awaitReconnectedRead(long lba, int blocks) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!qp.connected() && System.nanoTime() < deadline) {
            qp.processCompletions(8);
            Thread.onSpinWait();
        }
        assertTrue(qp.connected(), "the queue pair reconnected");
        return read(lba, blocks);
    }

    @Test
    void timeoutsAreMeasuredFromSubmissionEvenAfterALongIdle() throws InterruptedException {
        Thread.sleep(1500); // longer than the 1 s I/O timeout, with nothing in flight
        assertEquals(0, read(0, 8));
        assertEquals(0, qp.timedOutCommands());
        try (EmulatedController unused = EmulatedController.builder()
                .namespace(EmuBackend.nullBackend(4096))
                .build()) {
            assertEquals("emu0", unused.name());
        }
    }
}
