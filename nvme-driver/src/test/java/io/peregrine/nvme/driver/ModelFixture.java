package io.peregrine.nvme.driver;

import io.peregrine.nvme.dma.DmaBufferPool;
import io.peregrine.nvme.dma.DmaMemory;
import io.peregrine.nvme.dma.DmaOptions;
import io.peregrine.nvme.emu.EmuBackend;
import io.peregrine.nvme.emu.EmulatedController;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.SplittableRandom;

/** A model, DMA memory and a driver on them, torn down in order. */
final class ModelFixture implements AutoCloseable {

    final EmulatedController model;
    final DmaMemory dma;
    final NvmeController controller;
    final Namespace ns;

    ModelFixture(EmulatedController model, ControllerOptions options) {
        this.model = model;
        model.start();
        this.dma = new DmaMemory(model.pciFunction().dmaMapper(), DmaOptions.defaults(), model.name());
        try {
            this.controller = NvmeController.open(model.pciFunction(), dma, options);
        } catch (RuntimeException e) {
            dma.close();
            model.close();
            throw e;
        }
        this.ns = controller.namespaces().getFirst();
    }

    static ModelFixture memory(long bytes) {
        return new ModelFixture(
                EmulatedController.builder()
                        .timeoutUnits(1)
                        .namespace(EmuBackend.memory(bytes))
                        .build(),
                fastOptions());
    }

    /**
     * Test options: a quick health check, and an I/O timeout long enough that a model thread
     * starved by a busy machine (two cores shared by several builds) never looks like a lost
     * command. The fault tests use {@link #faultOptions()}.
     */
    static ControllerOptions fastOptions() {
        return ControllerOptions.defaults()
                .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30))
                .withHealthCheckInterval(Duration.ofMillis(20));
    }

    /** Short timeouts so the timeout, Abort and reset paths run in a test's time. */
    static ControllerOptions faultOptions() {
        return ControllerOptions.defaults()
                .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(1))
                .withHealthCheckInterval(Duration.ofMillis(20));
    }

    static ModelFixture memory(long bytes, ControllerOptions options) {
        return new ModelFixture(
                EmulatedController.builder()
                        .timeoutUnits(1)
                        .namespace(EmuBackend.memory(bytes))
                        .build(),
                options);
    }

    DmaBufferPool pool(int size, int count) {
        return new DmaBufferPool(dma, size, count);
    }

    static void fillRandom(MemorySegment s, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (long i = 0; i + 8 <= s.byteSize(); i += 8) s.set(ValueLayout.JAVA_LONG_UNALIGNED, i, random.nextLong());
    }

    @Override
    public void close() {
        try {
            controller.close();
        } finally {
            try {
                dma.close();
            } finally {
                model.close();
            }
        }
    }
}
