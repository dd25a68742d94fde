package io.peregrine.nvme.emu;

import io.peregrine.nvme.dma.DmaBlock;
import io.peregrine.nvme.dma.DmaMemory;
import io.peregrine.nvme.dma.DmaOptions;
import io.peregrine.nvme.pci.PciConfig;
import io.peregrine.nvme.spec.ControllerRegisters;
import io.peregrine.nvme.spec.Cqe;
import io.peregrine.nvme.spec.Sqe;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/**
 * A minimal host for testing the model alone: admin queues in DMA memory, raw SQEs, the model
 * stepped by hand ({@link EmulatedController#runOnce()}), raw CQEs read back.
 */
final class ModelHost implements AutoCloseable {

    static final int ENTRIES = 8;

    final EmulatedController model;
    final DmaMemory dma;
    final MemorySegment bar;
    final DmaBlock asq;
    final DmaBlock acq;
    final DmaBlock data;
    int tail;
    int head;
    int phase = 1;
    int cid;

    ModelHost(EmulatedController model) {
        this.model = model;
        this.dma = new DmaMemory(model.pciFunction().dmaMapper(), DmaOptions.defaults(), "model-host");
        this.bar = model.pciFunction().bar0();
        this.asq = dma.allocate(64 * ENTRIES, 4096);
        this.acq = dma.allocate(16 * ENTRIES, 4096);
        this.data = dma.allocate(64 * 1024, 4096);
    }

    static ModelHost enabled(EmulatedController model) {
        ModelHost host = new ModelHost(model);
        host.model.pciFunction().enableBusMaster();
        host.enable();
        return host;
    }

    int reg(int offset) {
        return (int) EmuQueues.INT32.getVolatile(bar, (long) offset);
    }

    void reg(int offset, int value) {
        EmuQueues.INT32.setVolatile(bar, (long) offset, value);
    }

    void enable() {
        reg(ControllerRegisters.AQA, ControllerRegisters.aqa(ENTRIES, ENTRIES));
        reg(ControllerRegisters.ASQ, (int) asq.iova());
        reg(ControllerRegisters.ASQ + 4, (int) (asq.iova() >>> 32));
        reg(ControllerRegisters.ACQ, (int) acq.iova());
        reg(ControllerRegisters.ACQ + 4, (int) (acq.iova() >>> 32));
        reg(ControllerRegisters.CC, ControllerRegisters.ccEnable(ControllerRegisters.CSS_NVM, 0));
        for (int i = 0; i < 10 && (reg(ControllerRegisters.CSTS) & ControllerRegisters.CSTS_RDY) == 0; i++) {
            model.runOnce();
        }
    }

    void busMaster(boolean on) {
        int command = model.pciFunction().readConfig16(PciConfig.COMMAND);
        command = on ? command | PciConfig.COMMAND_BUS_MASTER : command & ~PciConfig.COMMAND_BUS_MASTER;
        model.pciFunction().writeConfig16(PciConfig.COMMAND, command);
    }

    /** Submits one admin command built by {@code build} and steps the model; answers the CQE's DW3. */
    int admin(Consumer<MemorySegment> build) {
        MemorySegment sqe = asq.segment().asSlice(64L * tail, 64);
        Sqe.clear(sqe, 0);
        build.accept(sqe);
        Sqe.cid(sqe, 0, ++cid);
        tail = (tail + 1) % ENTRIES;
        reg((int) ControllerRegisters.sqTailDoorbell(0, 0), tail);
        model.runOnce();
        return completion();
    }

    /** The next CQE's DW3 (CID, phase, status), or -1 when none was posted. */
    int completion() {
        MemorySegment cqe = acq.segment().asSlice(16L * head, 16);
        int dw3 = (int) EmuQueues.INT32.getVolatile(cqe, Cqe.DW3_OFFSET);
        if (Cqe.phaseOfDw3(dw3) != phase) return -1;
        head = (head + 1) % ENTRIES;
        if (head == 0) phase ^= 1;
        reg((int) ControllerRegisters.cqHeadDoorbell(0, 0), head);
        return dw3;
    }

    int lastDw3() {
        int previous = (head - 1 + ENTRIES) % ENTRIES;
        return (int) EmuQueues.INT32.getVolatile(acq.segment(), 16L * previous + Cqe.DW3_OFFSET);
    }

    int lastDw0() {
        int previous = (head - 1 + ENTRIES) % ENTRIES;
        return Cqe.dw0(acq.segment(), 16L * previous);
    }

    boolean fatal() {
        return (reg(ControllerRegisters.CSTS) & ControllerRegisters.CSTS_CFS) != 0;
    }

    @Override
    public void close() {
        dma.close();
        model.close();
    }
}
