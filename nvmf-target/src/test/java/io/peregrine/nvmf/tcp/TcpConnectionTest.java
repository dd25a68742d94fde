package io.peregrine.nvmf.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.nvme.spec.Cqe;
import io.peregrine.nvme.spec.FabricsCommandType;
import io.peregrine.nvme.spec.NvmOpcode;
import io.peregrine.nvme.spec.Sqe;
import io.peregrine.nvme.spec.Status;
import io.peregrine.nvme.spec.StatusCode;
import io.peregrine.nvmf.core.Controller;
import io.peregrine.nvmf.fabrics.spec.ConnectResponse;
import io.peregrine.nvmf.fabrics.spec.FabricsCommand;
import io.peregrine.nvmf.fabrics.spec.SglDescriptor;
import io.peregrine.nvmf.pdu.C2HData;
import io.peregrine.nvmf.pdu.CapsuleCommand;
import io.peregrine.nvmf.pdu.H2CData;
import io.peregrine.nvmf.pdu.IcResp;
import io.peregrine.nvmf.pdu.R2T;
import io.peregrine.nvmf.testing.LeakCheck;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The data paths of the TCP transport, PDU by PDU: in-capsule, R2T/H2CData, C2HData/SUCCESS, digests. */
@ExtendWith(LeakCheck.class)
class TcpConnectionTest {
    private final TargetFixture fixture = new TargetFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    private static MemorySegment io(int opcode, long slba, int blocks) {
        MemorySegment sqe = Wire.sqe(opcode);
        Sqe.nsid(sqe, 0, 1);
        Sqe.slba(sqe, 0, slba);
        Sqe.cdw12(sqe, 0, blocks - 1);
        return sqe;
    }

    /** An I/O queue (QID 1) of the controller {@code admin} created. */
    private Wire ioQueue(Wire admin, boolean disableSqFlow, boolean headerDigest, boolean dataDigest) {
        int cntlid = fixture.subsystem.controllers().getFirst().cntlid();
        Wire wire = fixture.wire();
        wire.initialize(headerDigest, dataDigest);
        MemorySegment sqe = Wire.fabrics(FabricsCommandType.CONNECT);
        FabricsCommand.CONNECT_QID.set(sqe, 1);
        FabricsCommand.CONNECT_SQSIZE.set(sqe, 127);
        FabricsCommand.CONNECT_CATTR.set(sqe, disableSqFlow ? 4 : 0);
        int cid = wire.command(
                sqe, Wire.connectData(TargetFixture.HOST_ID, cntlid, TargetFixture.SUBNQN, TargetFixture.HOSTNQN));
        MemorySegment cqe = wire.response(cid);
        assertEquals(0, Wire.status(cqe), () -> Status.describe(Wire.status(cqe)));
        assertEquals(cntlid, ConnectResponse.cntlid(Cqe.dw0(cqe, 0)));
        return wire;
    }

    @Test
    void icRespEchoesTheDigestsAndStatesTheLimits() {
        try (Wire wire = fixture.wire()) {
            IcResp resp = wire.initialize(true, false);
            assertEquals(0, resp.pfv());
            assertEquals(0, resp.cpda());
            assertTrue(resp.headerDigest());
            assertFalse(resp.dataDigest());
            assertEquals(128 * 1024, resp.maxh2cdata());
        }
    }

    @ParameterizedTest(name = "SQ flow control disabled: {0}")
    @ValueSource(booleans = {true, false})
    void readsEndWithSuccessFlagOnlyWhenSqFlowControlIsOff(boolean disableSqFlow) {
        try (Wire admin = fixture.admin(false, false);
                Wire io = ioQueue(admin, disableSqFlow, false, false)) {
            byte[] data = new byte[4096];
            Arrays.fill(data, (byte) 7);
            int w = io.command(io(NvmOpcode.OPC_WRITE, 5, 1), data);
            MemorySegment cqe = io.response(w);
            assertEquals(0, Wire.status(cqe));
            assertEquals(disableSqFlow ? 0xFFFF : 2, Cqe.sqhd(cqe, 0), "SQHD");
            int r = io.command(io(NvmOpcode.OPC_READ, 5, 1), 4096);
            C2HData c2h = io.next(C2HData.class);
            assertEquals(r, c2h.cccid());
            assertTrue(c2h.last());
            assertEquals(disableSqFlow, c2h.success(), "SUCCESS flag");
            assertArrayEquals(data, c2h.data());
            if (!disableSqFlow) assertEquals(0, Wire.status(io.response(r)));
            assertTrue(io.nothingReceived());
        }
    }

    @ParameterizedTest(name = "digests: {0}")
    @ValueSource(booleans = {false, true})
    void largeWritesFlowThroughR2tAndH2cData(boolean digests) {
        try (Wire admin = fixture.admin(false, false);
                Wire io = ioQueue(admin, true, digests, digests)) {
            byte[] data = new byte[65536];
            new Random(1).nextBytes(data);
            int cid = io.command(io(NvmOpcode.OPC_WRITE, 16, 16), 65536);
            R2T r2t = io.next(R2T.class);
            assertEquals(cid, r2t.cccid());
            assertEquals(0, r2t.r2to());
            assertEquals(65536, r2t.r2tl());
            io.send(new H2CData(cid, r2t.ttag(), 0, false, Arrays.copyOfRange(data, 0, 32768)));
            assertTrue(io.nothingReceived(), "no response before the last H2CData");
            io.send(new H2CData(cid, r2t.ttag(), 32768, true, Arrays.copyOfRange(data, 32768, 65536)));
            assertEquals(0, Wire.status(io.response(cid)));
            int read = io.command(io(NvmOpcode.OPC_READ, 16, 16), 65536);
            assertArrayEquals(data, io.dataThenResponse(read));
        }
    }

    @Test
    void aCommandErrorDrainsItsInCapsuleDataAndKeepsTheConnection() {
        try (Wire admin = fixture.admin(false, false);
                Wire io = ioQueue(admin, true, false, false)) {
            MemorySegment bad = io(NvmOpcode.OPC_WRITE, 0, 1);
            Sqe.nsid(bad, 0, 9);
            int cid = io.command(bad, new byte[4096]);
            MemorySegment cqe = io.response(cid);
            assertTrue(Status.is(Wire.status(cqe), StatusCode.INVALID_NAMESPACE_OR_FORMAT));
            assertTrue(Status.dnr(Wire.status(cqe)), "DNR");
            int beyond = io.command(io(NvmOpcode.OPC_WRITE, 1024, 1), new byte[4096]);
            assertTrue(Status.is(Wire.status(io.response(beyond)), StatusCode.LBA_OUT_OF_RANGE));
            int shortSgl = io.command(io(NvmOpcode.OPC_WRITE, 0, 2), new byte[4096]);
            assertTrue(Status.is(Wire.status(io.response(shortSgl)), StatusCode.DATA_SGL_LENGTH_INVALID));
            int unknown = io.command(io(0x7E, 0, 1), (byte[]) null);
            assertTrue(Status.is(Wire.status(io.response(unknown)), StatusCode.INVALID_OPCODE));
            int good = io.command(io(NvmOpcode.OPC_WRITE, 0, 1), new byte[4096]);
            assertEquals(0, Wire.status(io.response(good)));
            assertTrue(io.open());
            Controller controller = fixture.subsystem.controllers().getFirst();
            assertEquals(4, controller.errorCount(), "each failure is in the Error Information log");
        }
    }

    @Test
    void aDataDigestErrorFailsTheCommandNotTheConnection() {
        try (Wire admin = fixture.admin(false, false);
                Wire io = ioQueue(admin, true, false, true)) {
            MemorySegment sqe = io(NvmOpcode.OPC_WRITE, 3, 1);
            Sqe.cid(sqe, 0, 77);
            SglDescriptor.IDENTIFIER.set(sqe, SglDescriptor.IN_SQE, 1);
            SglDescriptor.LENGTH.set(sqe, SglDescriptor.IN_SQE, 4096);
            // flip a data byte after the digest was computed: 4 digest bytes from the end, one more
            io.sendCorrupted(new CapsuleCommand(sqe.toArray(ValueLayout.JAVA_BYTE), new byte[4096]), 5);
            int status = Wire.status(io.response(77));
            assertTrue(Status.is(status, StatusCode.TRANSIENT_TRANSPORT_ERROR));
            assertFalse(Status.dnr(status), "a transport error may be retried");
            int again = io.command(io(NvmOpcode.OPC_WRITE, 3, 1), new byte[4096]);
            assertEquals(0, Wire.status(io.response(again)));
        }
    }
}
