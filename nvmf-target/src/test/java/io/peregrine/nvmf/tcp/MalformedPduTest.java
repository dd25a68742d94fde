package io.peregrine.nvmf.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peregrine.nvme.spec.NvmOpcode;
import io.peregrine.nvme.spec.Sqe;
import io.peregrine.nvmf.fabrics.spec.SglDescriptor;
import io.peregrine.nvmf.pdu.CapsuleCommand;
import io.peregrine.nvmf.pdu.CapsuleResponse;
import io.peregrine.nvmf.pdu.Crc32c;
import io.peregrine.nvmf.pdu.Fes;
import io.peregrine.nvmf.pdu.H2CData;
import io.peregrine.nvmf.pdu.IcReq;
import io.peregrine.nvmf.pdu.Pdu;
import io.peregrine.nvmf.pdu.PduType;
import io.peregrine.nvmf.pdu.R2T;
import io.peregrine.nvmf.pdu.TermReq;
import io.peregrine.nvmf.testing.LeakCheck;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad input only: every malformed PDU ends its connection with a C2HTermReq naming the right Fatal
 * Error Status and field, then a close; no exception escapes and other connections carry on.
 */
@ExtendWith(LeakCheck.class)
class MalformedPduTest {
    private final TargetFixture fixture = new TargetFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    private static ByteBuf encode(Pdu pdu, Pdu.Digests digests) {
        ByteBuf out = Unpooled.buffer();
        pdu.encode(out, digests, 0, new Crc32c());
        return out;
    }

    private static ByteBuf patched(Pdu pdu, Pdu.Digests digests, Consumer<ByteBuf> patch) {
        ByteBuf out = encode(pdu, digests);
        patch.accept(out);
        return out;
    }

    /** Sends {@code bytes} and expects a C2HTermReq with {@code fes}/{@code fei}, then a closed channel. */
    private static TermReq expectTermination(Wire wire, ByteBuf bytes, Fes fes, int fei) {
        byte[] sent = new byte[Math.min(bytes.readableBytes(), 128)];
        bytes.getBytes(bytes.readerIndex(), sent);
        wire.sendRaw(bytes);
        TermReq term = wire.next(TermReq.class);
        assertEquals(PduType.C2H_TERM_REQ, term.type());
        assertEquals(fes, term.fes(), () -> "FES of " + term);
        assertEquals(fei, term.fei(), () -> "FEI of " + term);
        byte[] header = term.header();
        assertTrue(header.length >= 8, "the TermReq carries the offending header");
        byte[] expected = new byte[header.length];
        System.arraycopy(sent, 0, expected, 0, header.length);
        assertArrayEquals(expected, header, "TermReq data is the offending PDU's header");
        assertFalse(wire.open(), "the connection is closed after a TermReq");
        return term;
    }

    private static CapsuleCommand write(int cid, int dataLength) {
        MemorySegment sqe = Wire.sqe(NvmOpcode.OPC_WRITE);
        Sqe.cid(sqe, 0, cid);
        Sqe.nsid(sqe, 0, 1);
        if (dataLength > 0) {
            SglDescriptor.IDENTIFIER.set(sqe, SglDescriptor.IN_SQE, SglDescriptor.DATA_BLOCK_OFFSET);
            SglDescriptor.LENGTH.set(sqe, SglDescriptor.IN_SQE, dataLength);
        }
        return new CapsuleCommand(sqe.toArray(ValueLayout.JAVA_BYTE), new byte[dataLength]);
    }

    @Test
    void reservedPduType() {
        try (Wire wire = fixture.wire()) {
            expectTermination(
                    wire,
                    patched(new IcReq(0, 0, false, false, 0), Pdu.Digests.NONE, b -> b.setByte(0, 0x08)),
                    Fes.INVALID_PDU_HEADER_FIELD,
                    0);
        }
    }

    @Test
    void aControllerToHostPduFromTheHost() {
        try (Wire wire = fixture.wire()) {
            wire.initialize(false, false);
            expectTermination(
                    wire, encode(new CapsuleResponse(new byte[16]), Pdu.Digests.NONE), Fes.INVALID_PDU_HEADER_FIELD, 0);
        }
    }

    @Test
    void aCapsuleBeforeIcReq() {
        try (Wire wire = fixture.wire()) {
            expectTermination(wire, encode(write(1, 0), Pdu.Digests.NONE), Fes.PDU_SEQUENCE_ERROR, 0);
        }
    }

    @Test
    void aSecondIcReq() {
        try (Wire wire = fixture.wire()) {
            wire.initialize(false, false);
            expectTermination(
                    wire, encode(new IcReq(0, 0, false, false, 0), Pdu.Digests.NONE), Fes.PDU_SEQUENCE_ERROR, 0);
        }
    }

    @Test
    void wrongHeaderLength() {
        try (Wire wire = fixture.wire()) {
            wire.initialize(false, false);
            expectTermination(
                    wire,
                    patched(write(1, 0), Pdu.Digests.NONE, b -> b.setByte(2, 64)),
                    Fes.INVALID_PDU_HEADER_FIELD,
                    2);
        }
    }

    @Test
    void icReqWithWrongLength() {
        try (Wire wire = fixture.wire()) {
            expectTermination(
                    wire,
                    patched(new IcReq(0, 0, false, false, 0), Pdu.Digests.NONE, b -> b.setIntLE(4, 132)),
                    Fes.INVALID_PDU_HEADER_FIELD,
                    4);
        }
    }

    @Test
    void unsupportedProtocolVersion() {
        try (Wire wire = fixture.wire()) {
            expectTermination(
                    wire,
                    encode(new IcReq(1, 0, false, false, 0), Pdu.Digests.NONE),
                    Fes.UNSUPPORTED_PARAMETER,
                    IcReq.PFV);
        }
    }

    @Test
    void unsupportedAlignment() {
        try (Wire wire = fixture.wire()) {
            expectTermination(
                    wire,
                    encode(new IcReq(0, 32, false, false, 0), Pdu.Digests.NONE),
                    Fes.UNSUPPORTED_PARAMETER,
                    IcReq.HPDA);
        }
    }

    @Test
    void headerDigestMismatchCarriesTheReceivedDigest() {
        try (Wire wire = fixture.wire()) {
            wire.initialize(true, false);
            ByteBuf bad = patched(
                    write(1, 0), new Pdu.Digests(true, false), b -> b.setIntLE(CapsuleCommand.HLEN, 0x12345678));
            expectTermination(wire, bad, Fes.HEADER_DIGEST_ERROR, 0x12345678);
        }
    }

    @Test
    void missingHeaderDigestFlag() {
        try (Wire wire = fixture.wire()) {
            wire.initialize(true, false);
            expectTermination(wire, encode(write(1, 0), Pdu.Digests.NONE), Fes.INVALID_PDU_HEADER_FIELD, 1);
        }
    }

    @Test
    void misalignedDataOffset() {
        try (Wire wire = fixture.wire()) {
            wire.initialize(false, false);
            // PDO 70 points inside the 72-byte header
            expectTermination(
                    wire,
                    patched(write(1, 4096), Pdu.Digests.NONE, b -> b.setByte(3, 70)),
                    Fes.INVALID_PDU_HEADER_FIELD,
                    3);
        }
    }

    /**
     * The fuzzer's finding ("window 74+-2 outside ... widx: 174"): a capsule without data (PLEN =
     * HLEN) whose PDO points past its end once made the decoder hand out a data window of -2 bytes.
     * Now it is an Invalid PDU Header Field at PDO, like any PDO that does not point at data.
     */
    @Test
    void dataOffsetOnACapsuleWithoutData() {
        try (Wire wire = fixture.wire()) {
            wire.initialize(false, false);
            // the PDU that was found: PLEN 72 (no data), PDO 74, then bytes that look like more PDUs
            ByteBuf bad = patched(write(1, 0), Pdu.Digests.NONE, b -> b.setByte(3, 74));
            bad.writeZero(102);
            expectTermination(wire, bad, Fes.INVALID_PDU_HEADER_FIELD, 3);
        }
    }

    @Test
    void dataOffsetOnACapsuleWithoutDataAndWithAHeaderDigest() {
        try (Wire wire = fixture.wire()) {
            wire.initialize(true, false);
            // PLEN 76 (header and digest), PDO 72: inside the digest, yet still no data
            ByteBuf bad = patched(
                    write(1, 0),
                    new Pdu.Digests(true, false),
                    b -> b.setByte(3, 72)
                            .setIntLE(CapsuleCommand.HLEN, new Crc32c().digest(b, 0, CapsuleCommand.HLEN)));
            expectTermination(wire, bad, Fes.INVALID_PDU_HEADER_FIELD, 3);
        }
    }

    @Test
    void anAdminCommandWithoutDataStillWorksAfterTheCheck() {
        try (Wire admin = fixture.admin(false, false)) {
            assertEquals(
                    io.peregrine.nvmf.fabrics.FabricsCommands.VERSION,
                    admin.propertyGet(io.peregrine.nvme.spec.ControllerRegisters.VS, false));
        }
    }

    @Test
    void moreInCapsuleDataThanNegotiated() {
        try (Wire wire = fixture.wire()) {
            wire.initialize(false, false);
            // only the header is sent: the announced length alone is refused, nothing is buffered
            ByteBuf header = patched(write(1, 4096), Pdu.Digests.NONE, b -> b.setIntLE(4, 72 + (1 << 20)));
            expectTermination(wire, header.slice(0, 72), Fes.DATA_TRANSFER_LIMIT_EXCEEDED, 0);
        }
    }

    @Test
    void h2cDataForAnUnknownTransferTag() {
        try (Wire admin = fixture.admin(false, false)) {
            expectTermination(
                    admin,
                    encode(new H2CData(1, 99, 0, true, new byte[512]), Pdu.Digests.NONE),
                    Fes.INVALID_PDU_HEADER_FIELD,
                    H2CData.TTAG);
        }
    }

    @Test
    void h2cDataAtTheWrongOffset() {
        try (Wire admin = fixture.admin(false, false)) {
            Wire io = connectIo(admin);
            MemorySegment sqe = Wire.sqe(NvmOpcode.OPC_WRITE);
            Sqe.nsid(sqe, 0, 1);
            Sqe.cdw12(sqe, 0, 15);
            int cid = io.command(sqe, 65536);
            R2T r2t = io.next(R2T.class);
            expectTermination(
                    io,
                    encode(new H2CData(cid, r2t.ttag(), 4096, false, new byte[4096]), Pdu.Digests.NONE),
                    Fes.DATA_TRANSFER_OUT_OF_RANGE,
                    0);
            io.close();
        }
    }

    @Test
    void h2cDataLengthFieldDisagreesWithThePdu() {
        try (Wire admin = fixture.admin(false, false)) {
            Wire io = connectIo(admin);
            MemorySegment sqe = Wire.sqe(NvmOpcode.OPC_WRITE);
            Sqe.nsid(sqe, 0, 1);
            Sqe.cdw12(sqe, 0, 15);
            int cid = io.command(sqe, 65536);
            R2T r2t = io.next(R2T.class);
            ByteBuf bad = patched(
                    new H2CData(cid, r2t.ttag(), 0, false, new byte[4096]),
                    Pdu.Digests.NONE,
                    b -> b.setIntLE(H2CData.DATAL, 8192));
            expectTermination(io, bad, Fes.INVALID_PDU_HEADER_FIELD, H2CData.DATAL);
            io.close();
        }
    }

    @Test
    void h2cDataAboveMaxH2cData() {
        try (Wire admin = fixture.admin(false, false)) {
            Wire io = connectIo(admin);
            ByteBuf bad = patched(
                    new H2CData(1, 0, 0, true, new byte[4096]),
                    Pdu.Digests.NONE,
                    b -> b.setIntLE(4, 24 + 256 * 1024).setIntLE(H2CData.DATAL, 256 * 1024));
            expectTermination(io, bad.slice(0, 24), Fes.DATA_TRANSFER_LIMIT_EXCEEDED, 0);
            io.close();
        }
    }

    @Test
    void aFaultOnOneConnectionLeavesTheOthersAlone() {
        try (Wire healthy = fixture.admin(false, false);
                Wire doomed = fixture.wire()) {
            expectTermination(
                    doomed,
                    patched(new IcReq(0, 0, false, false, 0), Pdu.Digests.NONE, b -> b.setByte(0, 0x0B)),
                    Fes.INVALID_PDU_HEADER_FIELD,
                    0);
            assertTrue(healthy.open());
            assertEquals(
                    io.peregrine.nvmf.fabrics.FabricsCommands.VERSION,
                    healthy.propertyGet(io.peregrine.nvme.spec.ControllerRegisters.VS, false));
        }
    }

    @Test
    void bytesAfterAFaultAreIgnored() {
        try (Wire wire = fixture.wire()) {
            ByteBuf both = Unpooled.buffer();
            both.writeBytes(patched(new IcReq(0, 0, false, false, 0), Pdu.Digests.NONE, b -> b.setByte(0, 0x0C)));
            both.writeBytes(encode(new IcReq(0, 0, false, false, 0), Pdu.Digests.NONE));
            wire.sendRaw(both);
            assertEquals(Fes.INVALID_PDU_HEADER_FIELD, wire.next(TermReq.class).fes());
            assertTrue(wire.nothingReceived(), "nothing after the TermReq");
        }
    }

    private Wire connectIo(Wire admin) {
        int cntlid = fixture.subsystem.controllers().getFirst().cntlid();
        Wire io = fixture.wire();
        io.initialize(false, false);
        int status = Wire.status(
                io.connect(1, 31, 0, TargetFixture.HOST_ID, cntlid, TargetFixture.SUBNQN, TargetFixture.HOSTNQN));
        assertEquals(0, status);
        return io;
    }
}
