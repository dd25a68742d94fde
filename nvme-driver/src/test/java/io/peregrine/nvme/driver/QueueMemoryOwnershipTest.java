package io.peregrine.nvme.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.nvme.dma.DmaBlock;
import io.peregrine.nvme.dma.DmaBufferPool;
import io.peregrine.nvme.emu.EmuBackend;
import io.peregrine.nvme.emu.EmulatedController;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Queue memory belongs to the controller from Create I/O CQ until the queue is deleted or the
 * controller quiesces: before that the device may still fetch commands and PRP lists from it
 * and post completions into it, so the allocator must not hand it to anyone else.
 */
class QueueMemoryOwnershipTest {

    /** Admin commands time out quickly; CAP.TO is long, so a reset waits for a stopped model. */
    private static ModelFixture fixture() {
        return new ModelFixture(
                EmulatedController.builder()
                        .timeoutUnits(40) // CAP.TO = 20 s
                        .namespace(EmuBackend.memory(4 << 20))
                        .build(),
                ControllerOptions.defaults()
                        .withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(30))
                        .withHealthCheckInterval(Duration.ofMillis(20)));
    }

    @Test
    void aDeletedQueuesMemoryIsFreeAtOnce() {
        try (ModelFixture f = fixture()) {
            IoQueuePair qp = f.controller.createIoQueuePair();
            List<DmaBlock> queues = qp.queueMemory();
            readOneBlock(f, qp);

            qp.close();

            List<DmaBlock> next = allocateLike(f, queues);
            assertEquals(queues.getFirst().iova(), next.getFirst().iova(), "first fit reuses the freed SQ at once");
            next.forEach(f.dma::free);
        }
    }

    @Test
    void aQueueWhoseDeleteTimedOutKeepsItsMemoryUntilTheControllerIsReset() throws InterruptedException {
        try (ModelFixture f = fixture()) {
            IoQueuePair qp = f.controller.createIoQueuePair();
            List<DmaBlock> queues = qp.queueMemory();
            readOneBlock(f, qp);

            f.model.stop(); // the device stops answering: Delete I/O SQ times out, a reset is requested
            qp.close();

            // the controller still has the queues: nothing carved now may overlap them
            List<DmaBlock> next = allocateLike(f, queues);
            for (DmaBlock block : next) {
                for (DmaBlock queue : queues) {
                    assertFalse(
                            overlap(block, queue),
                            "DMA memory at IOVA 0x" + Long.toHexString(block.iova())
                                    + " was handed out while the controller still owned queue memory at 0x"
                                    + Long.toHexString(queue.iova()));
                }
            }
            next.forEach(f.dma::free);

            f.model.start(); // the reset disables the controller: now the queues are gone
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while ((f.controller.resets() == 0 || f.controller.state() != ControllerState.READY)
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(ControllerState.READY, f.controller.state());
            assertTrue(f.controller.resets() >= 1);

            List<DmaBlock> after = allocateLike(f, queues);
            assertEquals(
                    queues.getFirst().iova(), after.getFirst().iova(), "after the reset the SQ memory is free again");
            after.forEach(f.dma::free);

            IoQueuePair again = f.controller.createIoQueuePair();
            readOneBlock(f, again);
            again.close();
        }
    }

    private static void readOneBlock(ModelFixture f, IoQueuePair qp) {
        try (DmaBufferPool pool = f.pool(4096, 1)) {
            MemorySegment buffer = pool.acquire();
            assertEquals(0, Completions.run(qp, c -> f.ns.read(qp, buffer, 0, 1, c, null)));
            pool.release(buffer);
        }
    }

    private static List<DmaBlock> allocateLike(ModelFixture f, List<DmaBlock> blocks) {
        List<DmaBlock> result = new ArrayList<>();
        for (DmaBlock block : blocks) result.add(f.dma.allocate(block.size(), 4096));
        return result;
    }

    private static boolean overlap(DmaBlock a, DmaBlock b) {
        return a.iova() < b.iova() + b.size() && b.iova() < a.iova() + a.size();
    }
}
