package io.peregrine.nvmf.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.peregrine.nvme.spec.AdminOpcode;
import io.peregrine.nvme.spec.FabricsCommandType;
import io.peregrine.nvme.spec.NvmOpcode;
import io.peregrine.nvme.spec.Sqe;
import io.peregrine.nvmf.fabrics.spec.FabricsCommand;
import io.peregrine.nvmf.fabrics.spec.SglDescriptor;
import io.peregrine.nvmf.pdu.CapsuleCommand;
import io.peregrine.nvmf.pdu.H2CData;
import io.peregrine.nvmf.pdu.Pdu;
import io.peregrine.nvmf.pdu.R2T;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;

/**
 * Fuzzes the controller state machine: after a real ICReq and Connect, a stream of commands of
 * any opcode with any fields, data in the capsule or through R2T, answered with well- or
 * ill-formed H2CData, mixed with raw garbage. The target may answer, fail a command or end the
 * connection with a TermReq; it may not throw, send a PDU the host decoder rejects, or keep a data
 * buffer or command slot once the connection is gone.
 */
class ControllerFuzzTest {
    private static final TargetFixture FIXTURE = new TargetFixture();
    private static final int[] OPCODES = {
        AdminOpcode.IDENTIFY.value(),
        AdminOpcode.GET_LOG_PAGE.value(),
        AdminOpcode.SET_FEATURES.value(),
        AdminOpcode.GET_FEATURES.value(),
        AdminOpcode.KEEP_ALIVE.value(),
        AdminOpcode.ASYNC_EVENT_REQUEST.value(),
        AdminOpcode.ABORT.value(),
        FabricsCommand.OPCODE,
        NvmOpcode.OPC_READ,
        NvmOpcode.OPC_WRITE,
        NvmOpcode.OPC_FLUSH,
        NvmOpcode.OPC_WRITE_ZEROES,
        NvmOpcode.OPC_DATASET_MANAGEMENT
    };

    @AfterAll
    static void close() {
        FIXTURE.close();
    }

    @FuzzTest(maxDuration = "10s")
    void commands(FuzzedDataProvider data) {
        fuzz(data);
    }

    @Tag("long")
    @FuzzTest(maxDuration = "15m")
    void commandsForLong(FuzzedDataProvider data) {
        fuzz(data);
    }

    static void fuzz(FuzzedDataProvider data) {
        Wire admin = FIXTURE.admin(data.consumeBoolean(), data.consumeBoolean());
        Wire io = null;
        try {
            Wire target = admin;
            if (data.consumeBoolean()) {
                io = FIXTURE.wire();
                io.initialize(data.consumeBoolean(), data.consumeBoolean());
                int cntlid = FIXTURE.subsystem.controllers().getFirst().cntlid();
                io.connect(
                        data.consumeInt(1, 70),
                        data.consumeInt(0, 200),
                        0,
                        TargetFixture.HOST_ID,
                        cntlid,
                        TargetFixture.SUBNQN,
                        TargetFixture.HOSTNQN);
                target = io;
            }
            int commands = data.consumeInt(1, 24);
            for (int i = 0; i < commands && target.open() && data.remainingBytes() > 0; i++) {
                step(target, data);
                drain(target, data);
            }
        } finally {
            admin.close();
            if (io != null) io.close();
        }
        assertEquals(0, FIXTURE.pools.outstanding(), "data buffers held after the connections closed");
    }

    private static void step(Wire wire, FuzzedDataProvider data) {
        switch (data.consumeInt(0, 9)) {
            case 0 -> wire.sendRaw(Unpooled.wrappedBuffer(data.consumeBytes(data.consumeInt(0, 300))));
            case 1 ->
                wire.send(new H2CData(
                        data.consumeInt(0, 0xffff),
                        data.consumeInt(0, 8),
                        data.consumeInt(0, 70000),
                        data.consumeBoolean(),
                        data.consumeBytes(data.consumeInt(1, 9000))));
            default -> {
                MemorySegment sqe = MemorySegment.ofArray(data.consumeBytes(64));
                if (sqe.byteSize() < 64)
                    sqe = MemorySegment.ofArray(java.util.Arrays.copyOf(sqe.toArray(ValueLayout.JAVA_BYTE), 64));
                if (data.consumeBoolean()) {
                    Sqe.opcode(sqe, 0, data.pickValue(OPCODES));
                    Sqe.flags(sqe, 0, 0x40);
                    Sqe.nsid(sqe, 0, data.consumeInt(0, 3));
                    if (Sqe.opcode(sqe, 0) == FabricsCommand.OPCODE) {
                        FabricsCommand.FCTYPE.set(
                                sqe, data.pickValue(FabricsCommandType.values()).value());
                    }
                    Sqe.cdw12(sqe, 0, data.consumeInt(0, 40));
                }
                byte[] inCapsule = new byte[0];
                if (data.consumeBoolean()) {
                    inCapsule = data.consumeBytes(data.consumeInt(0, 9000));
                    if (data.consumeBoolean()) {
                        SglDescriptor.IDENTIFIER.set(sqe, SglDescriptor.IN_SQE, SglDescriptor.DATA_BLOCK_OFFSET);
                        SglDescriptor.LENGTH.set(sqe, SglDescriptor.IN_SQE, inCapsule.length);
                        SglDescriptor.ADDRESS.set(sqe, SglDescriptor.IN_SQE, 0L);
                    }
                } else if (data.consumeBoolean()) {
                    SglDescriptor.IDENTIFIER.set(sqe, SglDescriptor.IN_SQE, SglDescriptor.TRANSPORT_DATA_BLOCK);
                    SglDescriptor.LENGTH.set(sqe, SglDescriptor.IN_SQE, data.consumeInt(0, 300_000));
                }
                wire.send(new CapsuleCommand(sqe.toArray(ValueLayout.JAVA_BYTE), inCapsule));
            }
        }
    }

    /** Reads what the target sent; answers R2Ts with data (of a fuzzed shape). */
    private static void drain(Wire wire, FuzzedDataProvider data) {
        while (!wire.nothingReceived()) {
            Pdu pdu = wire.next();
            if (pdu instanceof R2T r2t && data.consumeBoolean() && wire.open()) {
                int length = data.consumeBoolean()
                        ? r2t.r2tl()
                        : data.consumeInt(1, Math.max(1, Math.min(r2t.r2tl(), 200_000)));
                length = Math.min(length, 128 * 1024);
                wire.send(new H2CData(
                        r2t.cccid(),
                        r2t.ttag(),
                        r2t.r2to(),
                        length == r2t.r2tl() || data.consumeBoolean(),
                        new byte[length]));
            }
        }
    }
}
