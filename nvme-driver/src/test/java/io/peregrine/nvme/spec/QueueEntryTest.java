package io.peregrine.nvme.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** SQE and CQE accessors, on heap memory at odd offsets: the layouts must not care about alignment. */
class QueueEntryTest {

    @Test
    void sqeFieldsLandOnTheSpecBytesAtAnUnalignedOffsetInAHeapArray() {
        byte[] backing = new byte[3 + 64 + 5];
        MemorySegment s = MemorySegment.ofArray(backing);
        long base = 3;

        Sqe.opcode(s, base, NvmOpcode.READ.value());
        Sqe.flags(s, base, (Sqe.PSDT_SGL_MPTR_CONTIGUOUS << 6) | Sqe.FUSE_FIRST);
        Sqe.cid(s, base, 0xBEEF);
        Sqe.nsid(s, base, 1);
        Sqe.prp1(s, base, 0x1122_3344_5566_7788L);
        Sqe.prp2(s, base, 0x0102_0304_0506_0708L);
        Sqe.slba(s, base, 0xAABB_CCDD_0011_2233L);
        Sqe.cdw12(s, base, Commands.rwCdw12(8, Commands.CDW12_FUA));
        Sqe.cdw15(s, base, 0xCAFEBABE);

        assertEquals(0x02, backing[3]);
        assertEquals(0x41, backing[4] & 0xff);
        assertEquals((byte) 0xEF, backing[5]); // CID little-endian
        assertEquals((byte) 0xBE, backing[6]);
        assertEquals(1, backing[7]);
        assertEquals((byte) 0x88, backing[3 + 24]); // PRP1 low byte first
        assertEquals((byte) 0x11, backing[3 + 31]);
        assertEquals((byte) 0x33, backing[3 + 40]); // SLBA in CDW10..11
        assertEquals((byte) 0xAA, backing[3 + 47]);
        assertEquals((byte) 0xBE, backing[3 + 60]);
        assertEquals((byte) 0xCA, backing[3 + 63]);

        assertEquals(NvmOpcode.READ.value(), Sqe.opcode(s, base));
        assertEquals(Sqe.FUSE_FIRST, Sqe.fuse(s, base));
        assertEquals(Sqe.PSDT_SGL_MPTR_CONTIGUOUS, Sqe.psdt(s, base));
        assertEquals(0xBEEF, Sqe.cid(s, base));
        assertEquals(0x1122_3344_5566_7788L, Sqe.prp1(s, base));
        assertEquals(0x0102_0304_0506_0708L, Sqe.prp2(s, base));
        assertEquals(0xAABB_CCDD_0011_2233L, Sqe.slba(s, base));
        assertEquals(8, Sqe.nlb(s, base));
        assertEquals(Commands.CDW12_FUA, Sqe.cdw12(s, base) & Commands.CDW12_FUA);

        Sqe.clear(s, base);
        byte[] zeros = new byte[64];
        assertArrayEquals(zeros, java.util.Arrays.copyOfRange(backing, 3, 67));
    }

    @Test
    void writeBuildsTheSameEntryAsTheFieldSetters() {
        MemorySegment fast = MemorySegment.ofArray(new byte[64 + 8]);
        MemorySegment slow = MemorySegment.ofArray(new byte[64 + 8]);
        fast.fill((byte) 0x5a); // garbage a previous command left
        Sqe.write(fast, 8, 0x02, 0xfffe, 0x8000_0001, 0x1234_5000L, 0x9_0000_0000L, -1, 7, 0x4000_0007, 3);
        Sqe.clear(slow, 8);
        Sqe.opcode(slow, 8, 0x02);
        Sqe.cid(slow, 8, 0xfffe);
        Sqe.nsid(slow, 8, 0x8000_0001);
        Sqe.prp1(slow, 8, 0x1234_5000L);
        Sqe.prp2(slow, 8, 0x9_0000_0000L);
        Sqe.cdw10(slow, 8, -1);
        Sqe.cdw11(slow, 8, 7);
        Sqe.cdw12(slow, 8, 0x4000_0007);
        Sqe.cdw13(slow, 8, 3);
        assertEquals(-1, fast.asSlice(8, 64).mismatch(slow.asSlice(8, 64)));
        assertEquals(0x5a, fast.get(ValueLayout.JAVA_BYTE, 7), "bytes before the entry untouched");
    }

    @Test
    void everySqeDwordAccessorRoundTrips() {
        MemorySegment s = MemorySegment.ofArray(new byte[64]);
        Sqe.cdw2(s, 0, 2);
        Sqe.cdw3(s, 0, 3);
        Sqe.mptr(s, 0, 16L);
        Sqe.cdw10(s, 0, 10);
        Sqe.cdw11(s, 0, 11);
        Sqe.cdw12(s, 0, 12);
        Sqe.cdw13(s, 0, 13);
        Sqe.cdw14(s, 0, 14);
        Sqe.cdw15(s, 0, 15);
        assertEquals(2, Sqe.cdw2(s, 0));
        assertEquals(3, Sqe.cdw3(s, 0));
        assertEquals(16L, Sqe.mptr(s, 0));
        assertEquals(10, Sqe.cdw10(s, 0));
        assertEquals(11, Sqe.cdw11(s, 0));
        assertEquals(12, Sqe.cdw12(s, 0));
        assertEquals(13, Sqe.cdw13(s, 0));
        assertEquals(14, Sqe.cdw14(s, 0));
        assertEquals(15, Sqe.cdw15(s, 0));
        assertEquals(2, s.get(ValueLayout.JAVA_INT_UNALIGNED, 8));
        assertEquals(1, Sqe.nsid(s, 0) + 1);
    }

    @Test
    void cqeDw3PacksCidPhaseAndStatusAsTheControllerWritesIt() {
        MemorySegment s = MemorySegment.ofArray(new byte[1 + 16]);
        long base = 1;
        int field = StatusCode.LBA_OUT_OF_RANGE.fieldDnr();
        Cqe.dw0(s, base, 0x12345678);
        Cqe.dw1(s, base, 7);
        Cqe.sqhd(s, base, 0xFFFE);
        Cqe.sqid(s, base, 3);
        s.set(Le.U32, base + Cqe.DW3_OFFSET, Cqe.dw3(0xABCD, 1, field));

        assertEquals(0x12345678, Cqe.dw0(s, base));
        assertEquals(7, Cqe.dw1(s, base));
        assertEquals(0xFFFE, Cqe.sqhd(s, base));
        assertEquals(3, Cqe.sqid(s, base));
        assertEquals(0xABCD, Cqe.cid(s, base));
        assertEquals(1, Cqe.phase(s, base));
        assertEquals(field, Cqe.statusField(s, base));

        int dw3 = s.get(Le.U32, base + Cqe.DW3_OFFSET);
        assertEquals(0xABCD, Cqe.cidOfDw3(dw3));
        assertEquals(1, Cqe.phaseOfDw3(dw3));
        assertEquals(field, Cqe.statusFieldOfDw3(dw3));
        // the spec's bit positions: P is DW3 bit 16, SC bits 24:17, SCT 27:25, DNR 31
        assertEquals(1, (dw3 >>> 16) & 1);
        assertEquals(0x80, (dw3 >>> 17) & 0xff);
        assertEquals(0, (dw3 >>> 25) & 0x7);
        assertEquals(1, dw3 >>> 31);

        Cqe.statusAndPhase(s, base, 0);
        assertEquals(0, Cqe.phase(s, base));
        Cqe.cid(s, base, 9);
        assertEquals(9, Cqe.cid(s, base));
    }
}
