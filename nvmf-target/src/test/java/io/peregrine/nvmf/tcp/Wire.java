package io.peregrine.nvmf.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.peregrine.nvme.spec.ControllerRegisters;
import io.peregrine.nvme.spec.Cqe;
import io.peregrine.nvme.spec.FabricsCommandType;
import io.peregrine.nvme.spec.Sqe;
import io.peregrine.nvmf.buffer.IoBufferPools;
import io.peregrine.nvmf.core.Target;
import io.peregrine.nvmf.fabrics.spec.ConnectData;
import io.peregrine.nvmf.fabrics.spec.FabricsCommand;
import io.peregrine.nvmf.fabrics.spec.SglDescriptor;
import io.peregrine.nvmf.pdu.C2HData;
import io.peregrine.nvmf.pdu.CapsuleCommand;
import io.peregrine.nvmf.pdu.CapsuleResponse;
import io.peregrine.nvmf.pdu.Crc32c;
import io.peregrine.nvmf.pdu.IcReq;
import io.peregrine.nvmf.pdu.IcResp;
import io.peregrine.nvmf.pdu.Pdu;
import io.peregrine.nvmf.pdu.PduDecoder;
import io.peregrine.nvmf.pdu.PduFault;
import io.peregrine.nvmf.pdu.PduSink;
import io.peregrine.nvmf.pdu.R2T;
import io.peregrine.nvmf.pdu.TermReq;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;

/**
 * One target connection driven byte by byte from a test, without sockets: an {@link
 * EmbeddedChannel} running the real {@link PduDecoder} and {@link TcpConnection}; what the target
 * writes is decoded back into PDU records.
 */
final class Wire implements AutoCloseable {
    final EmbeddedChannel channel;
    final TcpConnection connection;
    private final Deque<Pdu> received = new ArrayDeque<>();
    private final EmbeddedChannel hostSide;
    private final PduDecoder hostDecoder;
    private final Crc32c crc = new Crc32c();
    private Pdu.Digests digests = Pdu.Digests.NONE;
    private int nextCid = 1;

    private final IoBufferPools pools;

    Wire(Target target, IoBufferPools pools) {
        this.pools = pools;
        connection = new TcpConnection(target, new TcpTargetConfig(pools, TransportFlavor.NIO, null));
        channel = new EmbeddedChannel(connection.decoder(), connection);
        hostDecoder = new PduDecoder(new Recorder(), 0, 8 << 20);
        hostSide = new EmbeddedChannel(hostDecoder);
    }

    /** Sends raw bytes to the target. */
    void sendRaw(ByteBuf bytes) {
        channel.writeInbound(bytes);
        pump();
    }

    void send(Pdu pdu) {
        ByteBuf out = Unpooled.buffer();
        pdu.encode(out, digests, 0, crc);
        sendRaw(out);
    }

    /** Sends {@code pdu} with the byte {@code fromEnd} bytes before its end inverted. */
    void sendCorrupted(Pdu pdu, int fromEnd) {
        ByteBuf out = Unpooled.buffer();
        pdu.encode(out, digests, 0, crc);
        int at = out.writerIndex() - fromEnd;
        out.setByte(at, ~out.getByte(at));
        sendRaw(out);
    }

    /** Moves everything the target wrote (and ran) to the decoding side. */
    void pump() {
        channel.runPendingTasks();
        if (channel.isOpen()) channel.flushOutbound();
        ByteBuf out;
        while ((out = channel.readOutbound()) != null) hostSide.writeInbound(out);
    }

    Pdu next() {
        pump();
        Pdu pdu = received.pollFirst();
        if (pdu == null)
            throw new AssertionError("the target sent nothing (channel active: " + channel.isActive() + ")");
        return pdu;
    }

    boolean nothingReceived() {
        pump();
        return received.isEmpty();
    }

    <T extends Pdu> T next(Class<T> type) {
        return assertInstanceOf(type, next());
    }

    boolean open() {
        channel.runPendingTasks();
        return channel.isOpen();
    }

    // ------------------------------------------------------------------ conversation helpers

    /** ICReq/ICResp with the given digests. */
    IcResp initialize(boolean headerDigest, boolean dataDigest) {
        send(new IcReq(0, 0, headerDigest, dataDigest, 0));
        IcResp resp = next(IcResp.class);
        digests = new Pdu.Digests(resp.headerDigest(), resp.dataDigest());
        hostDecoder.negotiated(resp.headerDigest(), resp.dataDigest(), 0);
        return resp;
    }

    static MemorySegment sqe(int opcode) {
        MemorySegment sqe = MemorySegment.ofArray(new byte[64]);
        Sqe.opcode(sqe, 0, opcode);
        Sqe.flags(sqe, 0, 0x40);
        SglDescriptor.IDENTIFIER.set(sqe, SglDescriptor.IN_SQE, SglDescriptor.TRANSPORT_DATA_BLOCK);
        return sqe;
    }

    static MemorySegment fabrics(FabricsCommandType type) {
        MemorySegment sqe = sqe(FabricsCommand.OPCODE);
        FabricsCommand.FCTYPE.set(sqe, type.value());
        return sqe;
    }

    /** Sends a command with {@code data} in its capsule (or none); returns its CID. */
    int command(MemorySegment sqe, byte[] data) {
        int cid = nextCid++;
        Sqe.cid(sqe, 0, cid);
        if (data != null && data.length > 0) {
            SglDescriptor.IDENTIFIER.set(sqe, SglDescriptor.IN_SQE, SglDescriptor.DATA_BLOCK_OFFSET);
            SglDescriptor.LENGTH.set(sqe, SglDescriptor.IN_SQE, data.length);
        }
        send(new CapsuleCommand(sqe.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), data));
        return cid;
    }

    /** Sends a command that transfers {@code length} bytes through R2T or C2HData. */
    int command(MemorySegment sqe, int length) {
        SglDescriptor.LENGTH.set(sqe, SglDescriptor.IN_SQE, length);
        return command(sqe, (byte[]) null);
    }

    /** The next CapsuleResp, checked to answer {@code cid}. */
    MemorySegment response(int cid) {
        CapsuleResponse resp = next(CapsuleResponse.class);
        MemorySegment cqe = MemorySegment.ofArray(resp.cqe());
        assertEquals(cid, Cqe.cid(cqe, 0), "CID of the response");
        return cqe;
    }

    static int status(MemorySegment cqe) {
        return Cqe.statusField(cqe, 0);
    }

    static byte[] connectData(UUID hostId, int cntlid, String subnqn, String hostnqn) {
        MemorySegment d = MemorySegment.ofArray(new byte[(int) ConnectData.SIZE]);
        byte[] id = new byte[16];
        for (int i = 0; i < 8; i++) {
            id[i] = (byte) (hostId.getMostSignificantBits() >>> (56 - 8 * i));
            id[8 + i] = (byte) (hostId.getLeastSignificantBits() >>> (56 - 8 * i));
        }
        ConnectData.HOSTID.set(d, id);
        ConnectData.CNTLID.set(d, cntlid);
        ConnectData.SUBNQN.set(d, subnqn);
        ConnectData.HOSTNQN.set(d, hostnqn);
        return d.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    /** Connect; returns the completion. */
    MemorySegment connect(int qid, int sqsize, int kato, UUID hostId, int cntlid, String subnqn, String hostnqn) {
        MemorySegment sqe = fabrics(FabricsCommandType.CONNECT);
        FabricsCommand.CONNECT_QID.set(sqe, qid);
        FabricsCommand.CONNECT_SQSIZE.set(sqe, sqsize);
        FabricsCommand.CONNECT_KATO.set(sqe, kato);
        int cid = command(sqe, connectData(hostId, cntlid, subnqn, hostnqn));
        return response(cid);
    }

    int propertySet(int offset, int value) {
        MemorySegment sqe = fabrics(FabricsCommandType.PROPERTY_SET);
        FabricsCommand.PROPERTY_OFST.set(sqe, offset);
        FabricsCommand.PROPERTY_VALUE.set(sqe, value & 0xffff_ffffL);
        return status(response(command(sqe, (byte[]) null)));
    }

    long propertyGet(int offset, boolean eight) {
        MemorySegment sqe = fabrics(FabricsCommandType.PROPERTY_GET);
        FabricsCommand.PROPERTY_OFST.set(sqe, offset);
        FabricsCommand.PROPERTY_ATTRIB.set(sqe, eight ? 1 : 0);
        MemorySegment cqe = response(command(sqe, (byte[]) null));
        assertEquals(0, status(cqe));
        return (Cqe.dw0(cqe, 0) & 0xffff_ffffL) | ((long) Cqe.dw1(cqe, 0) << 32);
    }

    /** CC.EN = 1 with the standard entry sizes; asserts CSTS.RDY. */
    void enable() {
        assertEquals(
                0, propertySet(ControllerRegisters.CC, ControllerRegisters.ccEnable(ControllerRegisters.CSS_NVM, 0)));
        assertTrue((propertyGet(ControllerRegisters.CSTS, false) & ControllerRegisters.CSTS_RDY) != 0, "CSTS.RDY");
    }

    /** Reads a command's C2HData then its response (or SUCCESS alone); returns the data. */
    byte[] dataThenResponse(int cid) {
        C2HData data = next(C2HData.class);
        assertEquals(cid, data.cccid());
        if (!data.success()) assertEquals(0, status(response(cid)));
        return data.data();
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
        hostSide.finishAndReleaseAll();
        // every embedded channel has its own loop, hence its own pool: give its memory back
        pools.retire(channel.eventLoop());
    }

    /** Turns what the target sends back into records. */
    private final class Recorder implements PduSink.Host {
        @Override
        public void icResp(IcResp icResp) {
            received.add(icResp);
        }

        @Override
        public void capsuleResponse(ByteBuf buf, int cqeIndex) {
            byte[] cqe = new byte[16];
            buf.getBytes(cqeIndex, cqe);
            received.add(new CapsuleResponse(cqe));
        }

        @Override
        public void c2hData(int cccid, int datao, int datal, int flags, ByteBuf buf, int dataIndex, boolean ok) {
            assertTrue(ok, "C2HData digest");
            byte[] data = new byte[datal];
            buf.getBytes(dataIndex, data);
            received.add(new C2HData(cccid, datao, (flags & 4) != 0, (flags & 8) != 0, data));
        }

        @Override
        public void r2t(int cccid, int ttag, int r2to, int r2tl) {
            received.add(new R2T(cccid, ttag, r2to, r2tl));
        }

        @Override
        public void termReq(TermReq termReq) {
            received.add(termReq);
        }

        @Override
        public void protocolFault(PduFault fault) {
            throw new AssertionError("the target sent a malformed PDU: " + fault);
        }
    }
}
