package io.peregrine.nvme.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.nvme.dma.DmaMemory;
import io.peregrine.nvme.dma.DmaOptions;
import io.peregrine.nvme.emu.EmuBackend;
import io.peregrine.nvme.emu.EmulatedController;
import io.peregrine.nvme.spec.ControllerRegisters;
import io.peregrine.nvme.spec.NamespaceIdDescriptor;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bring-up against the model: identify, namespaces, limits, shutdown, and bring-up failures. */
class ControllerBringUpTest {

    @Test
    void identifiesControllerAndNamespaces() {
        EmulatedController model = EmulatedController.builder()
                .serial("SN-42")
                .model("Test model")
                .mdts(4)
                .maxIoQueues(3)
                .namespace(EmuBackend.memory(8 << 20), 4096)
                .namespace(EmuBackend.nullBackend(1L << 40))
                .build();
        try (ModelFixture f = new ModelFixture(model, ModelFixture.fastOptions())) {
            ControllerInfo info = f.controller.info();
            assertEquals("SN-42", info.serialNumber());
            assertEquals("Test model", info.modelNumber());
            assertEquals("2.1.0", info.version());
            assertEquals(4096L << 4, info.maxTransferBytes());
            assertEquals(64 * 1024, f.controller.maxTransferBytes());
            assertEquals(2, info.namespaceCount());
            assertEquals(3, info.ioQueuePairs());
            assertTrue(info.supportsWriteZeroes());
            assertTrue(info.supportsDatasetManagement());
            assertEquals("nqn.2026-11.io.peregrine:emu:SN-42", info.subsystemNqn());
            assertEquals(ControllerState.READY, f.controller.state());

            assertEquals(2, f.controller.namespaces().size());
            Namespace first = f.controller.namespace(1).orElseThrow();
            assertEquals(4096, first.blockSize());
            assertEquals(2048, first.blockCount());
            assertEquals(16, first.maxBlocksPerIo());
            assertTrue(first.deallocatedReadsZeroes());
            assertTrue(first.uuid().isPresent());
            assertEquals(4, first.descriptors().size());
            assertEquals(
                    NamespaceIdDescriptor.Type.NGUID, first.descriptors().get(1).type());
            Namespace second = f.controller.namespace(2).orElseThrow();
            assertEquals(512, second.blockSize());
            assertEquals(1L << 31, second.blockCount());
            assertFalse(f.controller.namespace(3).isPresent());
        }
    }

    @Test
    void closeShutsDownCleanly() {
        EmulatedController model = EmulatedController.builder()
                .namespace(EmuBackend.memory(1 << 20))
                .build();
        ModelFixture f = new ModelFixture(model, ModelFixture.fastOptions());
        f.controller.close();
        assertEquals(ControllerState.SHUT_DOWN, f.controller.state());
        int csts = (int) io.peregrine.nvme.driver.Registers.INT32.getVolatile(
                model.pciFunction().bar0(), (long) ControllerRegisters.CSTS);
        assertEquals(ControllerRegisters.SHST_COMPLETE, ControllerRegisters.cstsShst(csts));
        f.close();
    }

    @Test
    void aControllerThatNeverBecomesReadyTimesOutNamingTheState() {
        EmulatedController model = EmulatedController.builder()
                .timeoutUnits(1)
                .namespace(EmuBackend.memory(1 << 20))
                .build();
        model.faults().stallReady(true);
        model.start();
        try (model;
                DmaMemory dma = new DmaMemory(model.pciFunction().dmaMapper(), DmaOptions.defaults(), "stall")) {
            NvmeTimeoutException e = assertThrows(
                    NvmeTimeoutException.class,
                    () -> NvmeController.open(model.pciFunction(), dma, ModelFixture.fastOptions()));
            assertTrue(
                    e.getMessage().contains("in ENABLING (CC.EN=1 written; waiting for CSTS.RDY=1)"), e.getMessage());
            assertTrue(e.getMessage().contains("timed out after 500 ms"), e.getMessage());
        }
    }

    @Test
    void aSlowButWithinLimitsReadyIsWaitedFor() {
        EmulatedController model = EmulatedController.builder()
                .timeoutUnits(2)
                .readyDelay(Duration.ofMillis(300))
                .namespace(EmuBackend.memory(1 << 20))
                .build();
        try (ModelFixture f = new ModelFixture(model, ModelFixture.fastOptions())) {
            assertEquals(ControllerState.READY, f.controller.state());
        }
    }

    @Test
    void busMasteringIsEnabledBeforeTheControllerIs() {
        EmulatedController model = EmulatedController.builder()
                .namespace(EmuBackend.memory(1 << 20))
                .build();
        try (ModelFixture f = new ModelFixture(model, ModelFixture.fastOptions())) {
            assertEquals(ControllerState.READY, f.controller.state());
            int command = model.pciFunction().readConfig16(io.peregrine.nvme.pci.PciConfig.COMMAND);
            assertTrue((command & io.peregrine.nvme.pci.PciConfig.COMMAND_BUS_MASTER) != 0);
        }
    }

    @Test
    void reEnablingAnAlreadyEnabledControllerDisablesItFirst() {
        EmulatedController model = EmulatedController.builder()
                .namespace(EmuBackend.memory(1 << 20))
                .build();
        model.start();
        try (model;
                DmaMemory dma = new DmaMemory(model.pciFunction().dmaMapper(), DmaOptions.defaults(), "twice")) {
            NvmeController first = NvmeController.open(model.pciFunction(), dma, ModelFixture.fastOptions());
            // a second driver instance (a restarted process) finds the controller enabled
            NvmeController second = NvmeController.open(model.pciFunction(), dma, ModelFixture.fastOptions());
            assertEquals(ControllerState.READY, second.state());
            second.close();
            first.close();
        }
    }
}
