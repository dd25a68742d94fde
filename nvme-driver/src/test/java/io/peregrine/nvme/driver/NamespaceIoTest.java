package io.peregrine.nvme.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.nvme.dma.DmaBufferPool;
import io.peregrine.nvme.emu.EmuBackend;
import io.peregrine.nvme.emu.EmulatedController;
import io.peregrine.nvme.spec.DsmRange;
import io.peregrine.nvme.spec.Status;
import io.peregrine.nvme.spec.StatusCode;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every NVM command the driver sends, against the model, verifying data rather than status alone. */
class NamespaceIoTest {

    private ModelFixture f;
    private DmaBufferPool pool;
    private IoQueuePair qp;

    @BeforeEach
    void open() {
        f = ModelFixture.memory(16 << 20);
        pool = f.pool(256 * 1024, 4);
        qp = f.controller.createIoQueuePair();
    }

    @AfterEach
    void close() {
        qp.close();
        pool.close();
        f.close();
    }

    private void writeReadVerify(long lba, long bufferOffset, int blocks, long seed) {
        MemorySegment out = pool.acquire();
        MemorySegment in = pool.acquire();
        try {
            long bytes = (long) blocks * f.ns.blockSize();
            MemorySegment src = out.asSlice(bufferOffset, bytes);
            MemorySegment dst = in.asSlice(bufferOffset, bytes);
            ModelFixture.fillRandom(src, seed);
            dst.fill((byte) 0x5a);
            assertEquals(0, Completions.run(qp, c -> f.ns.write(qp, src, lba, blocks, c, null)));
            assertEquals(0, Completions.run(qp, c -> f.ns.read(qp, dst, lba, blocks, c, null)));
            assertEquals(-1, src.mismatch(dst), "read back differs for " + blocks + " blocks at LBA " + lba);
        } finally {
            pool.release(out);
            pool.release(in);
        }
    }

    @Test
    void oneBlockUsesPrp1Only() {
        writeReadVerify(0, 0, 1, 1);
    }

    @Test
    void twoPagesUsePrp2AsAPageAddress() {
        writeReadVerify(100, 0, 16, 2);
    }

    @Test
    void manyPagesUseAPrpList() {
        writeReadVerify(1000, 0, 256, 3); // 128 KiB: PRP1 + a list of 31 entries
    }

    @Test
    void aBufferStartingInsideAPageStillTransfersExactly() {
        writeReadVerify(5, 512, 24, 4); // PRP1 with an offset, then a list
        writeReadVerify(7, 3584, 2, 5); // 1 KiB straddling a page boundary
    }

    @Test
    void lastBlocksOfTheNamespace() {
        writeReadVerify(f.ns.blockCount() - 8, 0, 8, 6);
    }

    @Test
    void flushCompletes() {
        assertEquals(0, Completions.run(qp, c -> f.ns.flush(qp, c, null)));
    }

    @Test
    void forceUnitAccessWriteCompletes() {
        MemorySegment b = pool.acquire();
        ModelFixture.fillRandom(b, 9);
        assertEquals(0, Completions.run(qp, c -> f.ns.write(qp, b, 0, 8, true, c, null)));
        pool.release(b);
    }

    @Test
    void writeZeroesAndDeallocateReadBackAsZeroes() {
        writeReadVerify(0, 0, 256, 7);
        assertEquals(0, Completions.run(qp, c -> f.ns.writeZeroes(qp, 10, 20, false, c, null)));
        assertEquals(0, Completions.run(qp, c -> f.ns.deallocate(qp, 100, 50, c, null)));
        MemorySegment b = pool.acquire();
        assertEquals(0, Completions.run(qp, c -> f.ns.read(qp, b, 0, 256, c, null)));
        for (int block = 0; block < 256; block++) {
            boolean zeroed = (block >= 10 && block < 30) || (block >= 100 && block < 150);
            MemorySegment data = b.asSlice(block * 512L, 512);
            boolean allZero = data.mismatch(MemorySegment.ofArray(new byte[512])) == -1;
            assertEquals(zeroed, allZero, "block " + block);
        }
        pool.release(b);
    }

    @Test
    void deallocateManyRangesFromACallerBuffer() {
        writeReadVerify(0, 0, 64, 8);
        MemorySegment ranges = pool.acquire();
        DsmRange.STARTING_LBA.set(ranges, 0, 0);
        DsmRange.LENGTH.set(ranges, 0, 4);
        DsmRange.STARTING_LBA.set(ranges, 16, 60);
        DsmRange.LENGTH.set(ranges, 16, 4);
        assertEquals(0, Completions.run(qp, c -> f.ns.deallocate(qp, ranges, 2, c, null)));
        MemorySegment b = pool.acquire();
        assertEquals(0, Completions.run(qp, c -> f.ns.read(qp, b, 0, 64, c, null)));
        MemorySegment zeros = MemorySegment.ofArray(new byte[2048]);
        assertEquals(-1, b.asSlice(0, 2048).mismatch(zeros));
        assertEquals(-1, b.asSlice(60 * 512, 2048).mismatch(zeros));
        assertTrue(b.asSlice(4 * 512, 2048).mismatch(zeros) >= 0);
        pool.release(b);
        pool.release(ranges);
    }

    @Test
    void smartCountsWhatWasDone() {
        SmartHealth before = f.controller.smartHealth();
        writeReadVerify(0, 0, 8, 10);
        SmartHealth after = f.controller.smartHealth();
        assertEquals(before.hostReadCommands() + 1, after.hostReadCommands());
        assertEquals(before.hostWriteCommands() + 1, after.hostWriteCommands());
        assertEquals(1, after.dataUnitsWritten());
        assertEquals(300, after.temperatureKelvin());
        assertEquals(100, after.availableSparePercent());
        assertEquals(0, after.mediaErrors());
    }

    @Test
    void aFullQueuePairSaysSoAndLosesNothing() {
        EmulatedController model = EmulatedController.builder()
                .namespace(EmuBackend.memory(1 << 20))
                .build();
        try (ModelFixture small = new ModelFixture(model, ModelFixture.fastOptions());
                IoQueuePair tiny = small.controller.createIoQueuePair(
                        QueuePairOptions.defaults().withEntries(4));
                DmaBufferPool buffers = small.pool(4096, 4)) {
            model.stop(); // nothing completes while we fill the queue
            Completions done = new Completions();
            MemorySegment b = buffers.acquire();
            for (int i = 0; i < 3; i++) {
                assertEquals(IoQueuePair.SUBMITTED, small.ns.read(tiny, b, i, 1, done, null));
            }
            assertEquals(3, tiny.outstanding());
            assertEquals(IoQueuePair.QUEUE_FULL, small.ns.read(tiny, b, 3, 1, done, null));
            model.start();
            done.await(tiny, 3, Duration.ofSeconds(10));
            assertEquals(0, tiny.outstanding());
            assertEquals(IoQueuePair.SUBMITTED, small.ns.read(tiny, b, 3, 1, done, null));
            done.await(tiny, 4, Duration.ofSeconds(10));
        }
    }

    @Test
    void badArgumentsThrowAndConsumeNothing() {
        MemorySegment b = pool.acquire();
        Completions c = new Completions();
        assertThrows(IllegalArgumentException.class, () -> f.ns.read(qp, b, f.ns.blockCount(), 1, c, null));
        assertThrows(IllegalArgumentException.class, () -> f.ns.read(qp, b, -1, 1, c, null));
        assertThrows(IllegalArgumentException.class, () -> f.ns.read(qp, b, 0, 0, c, null));
        assertThrows(IllegalArgumentException.class, () -> f.ns.read(qp, b, 0, f.ns.maxBlocksPerIo() + 1, c, null));
        assertThrows(IllegalArgumentException.class, () -> f.ns.read(qp, b.asSlice(0, 1024), 0, 4, c, null));
        assertThrows(IllegalArgumentException.class, () -> f.ns.read(qp, b.asSlice(2), 0, 1, c, null));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment notDma = arena.allocate(4096, 4096);
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> f.ns.read(qp, notDma, 0, 1, c, null));
            assertTrue(e.getMessage().contains("is not DMA memory"), e.getMessage());
        }
        assertEquals(0, qp.outstanding());
        pool.release(b);
    }

    @Test
    void anOwnedQueuePairRefusesOtherThreadsAndReentrantPolls() throws Exception {
        qp.processCompletions(1); // this thread owns it now
        Throwable[] seen = new Throwable[1];
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                qp.processCompletions(1);
            } catch (Throwable t) {
                seen[0] = t;
            }
        });
        other.join();
        assertTrue(seen[0] instanceof IllegalStateException, String.valueOf(seen[0]));
        assertTrue(seen[0].getMessage().contains("belongs to thread"), seen[0].getMessage());

        MemorySegment b = pool.acquire();
        IllegalStateException[] reentrant = new IllegalStateException[1];
        IoCallback<Object> nested = (arg, status) -> {
            try {
                qp.processCompletions(1);
            } catch (IllegalStateException e) {
                reentrant[0] = e;
            }
        };
        assertEquals(IoQueuePair.SUBMITTED, f.ns.read(qp, b, 0, 1, nested, null));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (qp.hasOutstanding() && System.nanoTime() < deadline) qp.processCompletions(8);
        assertTrue(reentrant[0] != null && reentrant[0].getMessage().contains("not reentrant"));
        pool.release(b);
    }

    @Test
    void closedQueuePairsFreeTheirQueueIdentifiers() {
        EmulatedController model = EmulatedController.builder()
                .maxIoQueues(2)
                .namespace(EmuBackend.memory(1 << 20))
                .build();
        try (ModelFixture two = new ModelFixture(model, ModelFixture.fastOptions())) {
            IoQueuePair a = two.controller.createIoQueuePair();
            IoQueuePair b = two.controller.createIoQueuePair();
            NvmeException full = assertThrows(NvmeException.class, two.controller::createIoQueuePair);
            assertTrue(full.getMessage().contains("all 2 I/O queue pairs"), full.getMessage());
            int freed = a.queueId();
            a.close();
            IoQueuePair c = two.controller.createIoQueuePair();
            assertEquals(freed, c.queueId());
            b.close();
            c.close();
        }
    }

    @Test
    void aFileBackedNamespaceKeepsItsDataAcrossControllers(@TempDir Path dir) {
        Path image = dir.resolve("disk.img");
        MemorySegment expected = MemorySegment.ofArray(new byte[8192]);
        ModelFixture.fillRandom(expected, 11);
        for (int round = 0; round < 2; round++) {
            EmulatedController model = EmulatedController.builder()
                    .namespace(EmuBackend.file(image, 4 << 20))
                    .build();
            try (ModelFixture file = new ModelFixture(model, ModelFixture.fastOptions());
                    IoQueuePair q = file.controller.createIoQueuePair();
                    DmaBufferPool buffers = file.pool(8192, 1)) {
                MemorySegment b = buffers.acquire();
                if (round == 0) {
                    MemorySegment.copy(expected, 0, b, 0, 8192);
                    assertEquals(0, Completions.run(q, c -> file.ns.write(q, b, 40, 16, c, null)));
                    assertEquals(0, Completions.run(q, c -> file.ns.flush(q, c, null)));
                } else {
                    assertEquals(0, Completions.run(q, c -> file.ns.read(q, b, 40, 16, c, null)));
                    assertEquals(-1, b.mismatch(expected));
                }
                buffers.release(b);
            }
        }
        assertTrue(Files.exists(image));
    }

    @Test
    void aNullNamespaceCompletesWithoutData() {
        EmulatedController model = EmulatedController.builder()
                .namespace(EmuBackend.nullBackend(1L << 40))
                .build();
        try (ModelFixture nul = new ModelFixture(model, ModelFixture.fastOptions());
                IoQueuePair q = nul.controller.createIoQueuePair();
                DmaBufferPool buffers = nul.pool(4096, 1)) {
            MemorySegment b = buffers.acquire();
            assertEquals(0, Completions.run(q, c -> nul.ns.write(q, b, (1L << 31) - 8, 8, c, null)));
            assertEquals(0, Completions.run(q, c -> nul.ns.read(q, b, 0, 8, c, null)));
            buffers.release(b);
        }
    }

    @Test
    void statusesAreNamed() {
        assertEquals("Command Aborted By Host (SCT 3h, SC 71h)", Status.describe(StatusCode.ABORTED_BY_HOST.field()));
    }
}
