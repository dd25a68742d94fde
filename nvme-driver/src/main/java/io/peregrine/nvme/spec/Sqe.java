package io.peregrine.nvme.spec;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * Submission Queue Entry: the 64-byte common command format (NVMe Base 2.1, "Submission Queue Entry": Common Command Format).
 *
 * <pre>
 *   0  CDW0   OPC (7:0), FUSE (9:8), PSDT (15:14), CID (31:16)
 *   4  NSID
 *   8  CDW2
 *  12  CDW3
 *  16  MPTR   metadata pointer
 *  24  DPTR   PRP1 (24) + PRP2 (32), or one SGL descriptor
 *  40  CDW10 .. CDW15 (command specific)
 * </pre>
 *
 * Accessors take the segment and the entry's byte offset in it, so a queue ring, a capsule inside a
 * network buffer or a heap array are all read in place without slicing (no allocation).
 */
public final class Sqe {

    public static final long SIZE = 64;

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                    Le.U8.withName("opc"),
                    Le.U8.withName("flags"),
                    Le.U16.withName("cid"),
                    Le.U32.withName("nsid"),
                    Le.U32.withName("cdw2"),
                    Le.U32.withName("cdw3"),
                    Le.U64.withName("mptr"),
                    Le.U64.withName("prp1"),
                    Le.U64.withName("prp2"),
                    Le.U32.withName("cdw10"),
                    Le.U32.withName("cdw11"),
                    Le.U32.withName("cdw12"),
                    Le.U32.withName("cdw13"),
                    Le.U32.withName("cdw14"),
                    Le.U32.withName("cdw15"))
            .withName("nvme_sqe");

    /** The data pointer, whichever form it takes (PRP pair or SGL descriptor), starts here. */
    public static final long DPTR_OFFSET = LAYOUT.byteOffset(groupElement("prp1"));

    /** PSDT (CDW0 bits 15:14) values: how DPTR is to be read. */
    public static final int PSDT_PRP = 0;

    public static final int PSDT_SGL_MPTR_CONTIGUOUS = 1;
    public static final int PSDT_SGL_MPTR_SGL = 2;

    /** FUSE (CDW0 bits 9:8) values. */
    public static final int FUSE_NORMAL = 0;

    public static final int FUSE_FIRST = 1;
    public static final int FUSE_SECOND = 2;

    private static final VarHandle OPC = handle("opc");
    private static final VarHandle FLAGS = handle("flags");
    private static final VarHandle CID = handle("cid");
    private static final VarHandle NSID = handle("nsid");
    private static final VarHandle CDW2 = handle("cdw2");
    private static final VarHandle CDW3 = handle("cdw3");
    private static final VarHandle MPTR = handle("mptr");
    private static final VarHandle PRP1 = handle("prp1");
    private static final VarHandle PRP2 = handle("prp2");
    private static final VarHandle CDW10 = handle("cdw10");
    private static final VarHandle CDW11 = handle("cdw11");
    private static final VarHandle CDW12 = handle("cdw12");
    private static final VarHandle CDW13 = handle("cdw13");
    private static final VarHandle CDW14 = handle("cdw14");
    private static final VarHandle CDW15 = handle("cdw15");

    private Sqe() {}

    static VarHandle handle(String name) {
        return LAYOUT.varHandle(groupElement(name));
    }

    /** Zeroes the entry: every reserved field of a command must be 0 (NVMe Base 2.1: reserved fields are cleared to 0h). */
    public static void clear(MemorySegment s, long base) {
        // eight 8-byte stores; cheaper than fill() for a fixed 64 bytes on the hot path
        for (long i = 0; i < SIZE; i += 8) {
            s.set(Le.U64, base + i, 0L);
        }
    }

    /**
     * Writes a whole PRP-style command in eight 8-byte stores, every reserved and unused field
     * zero: CDW0 (opcode, CID; FUSE and PSDT 0), NSID, CDW2-3 and MPTR 0, PRP1, PRP2, CDW10-13,
     * CDW14-15 0. The I/O path's way to build an SQE.
     */
    public static void write(
            MemorySegment s,
            long base,
            int opcode,
            int cid,
            int nsid,
            long prp1,
            long prp2,
            int cdw10,
            int cdw11,
            int cdw12,
            int cdw13) {
        int cdw0 = (opcode & 0xff) | (cid << 16);
        s.set(Le.U64, base, (cdw0 & 0xffff_ffffL) | ((long) nsid << 32));
        s.set(Le.U64, base + 8, 0L); // CDW2, CDW3
        s.set(Le.U64, base + 16, 0L); // MPTR
        s.set(Le.U64, base + 24, prp1);
        s.set(Le.U64, base + 32, prp2);
        s.set(Le.U64, base + 40, (cdw10 & 0xffff_ffffL) | ((long) cdw11 << 32));
        s.set(Le.U64, base + 48, (cdw12 & 0xffff_ffffL) | ((long) cdw13 << 32));
        s.set(Le.U64, base + 56, 0L); // CDW14, CDW15
    }

    public static int opcode(MemorySegment s, long base) {
        return (byte) OPC.get(s, base) & 0xff;
    }

    public static void opcode(MemorySegment s, long base, int opcode) {
        OPC.set(s, base, (byte) opcode);
    }

    /** CDW0 bits 15:8: FUSE in bits 1:0 and PSDT in bits 7:6 of this byte. */
    public static int flags(MemorySegment s, long base) {
        return (byte) FLAGS.get(s, base) & 0xff;
    }

    public static void flags(MemorySegment s, long base, int flags) {
        FLAGS.set(s, base, (byte) flags);
    }

    public static int fuse(MemorySegment s, long base) {
        return flags(s, base) & 0x3;
    }

    public static int psdt(MemorySegment s, long base) {
        return (flags(s, base) >>> 6) & 0x3;
    }

    public static int cid(MemorySegment s, long base) {
        return (short) CID.get(s, base) & 0xffff;
    }

    public static void cid(MemorySegment s, long base, int cid) {
        CID.set(s, base, (short) cid);
    }

    public static int nsid(MemorySegment s, long base) {
        return (int) NSID.get(s, base);
    }

    public static void nsid(MemorySegment s, long base, int nsid) {
        NSID.set(s, base, nsid);
    }

    public static int cdw2(MemorySegment s, long base) {
        return (int) CDW2.get(s, base);
    }

    public static void cdw2(MemorySegment s, long base, int value) {
        CDW2.set(s, base, value);
    }

    public static int cdw3(MemorySegment s, long base) {
        return (int) CDW3.get(s, base);
    }

    public static void cdw3(MemorySegment s, long base, int value) {
        CDW3.set(s, base, value);
    }

    public static long mptr(MemorySegment s, long base) {
        return (long) MPTR.get(s, base);
    }

    public static void mptr(MemorySegment s, long base, long value) {
        MPTR.set(s, base, value);
    }

    public static long prp1(MemorySegment s, long base) {
        return (long) PRP1.get(s, base);
    }

    public static void prp1(MemorySegment s, long base, long value) {
        PRP1.set(s, base, value);
    }

    public static long prp2(MemorySegment s, long base) {
        return (long) PRP2.get(s, base);
    }

    public static void prp2(MemorySegment s, long base, long value) {
        PRP2.set(s, base, value);
    }

    public static int cdw10(MemorySegment s, long base) {
        return (int) CDW10.get(s, base);
    }

    public static void cdw10(MemorySegment s, long base, int value) {
        CDW10.set(s, base, value);
    }

    public static int cdw11(MemorySegment s, long base) {
        return (int) CDW11.get(s, base);
    }

    public static void cdw11(MemorySegment s, long base, int value) {
        CDW11.set(s, base, value);
    }

    public static int cdw12(MemorySegment s, long base) {
        return (int) CDW12.get(s, base);
    }

    public static void cdw12(MemorySegment s, long base, int value) {
        CDW12.set(s, base, value);
    }

    public static int cdw13(MemorySegment s, long base) {
        return (int) CDW13.get(s, base);
    }

    public static void cdw13(MemorySegment s, long base, int value) {
        CDW13.set(s, base, value);
    }

    public static int cdw14(MemorySegment s, long base) {
        return (int) CDW14.get(s, base);
    }

    public static void cdw14(MemorySegment s, long base, int value) {
        CDW14.set(s, base, value);
    }

    public static int cdw15(MemorySegment s, long base) {
        return (int) CDW15.get(s, base);
    }

    public static void cdw15(MemorySegment s, long base, int value) {
        CDW15.set(s, base, value);
    }

    /** CDW10 and CDW11 as one 64-bit value: the starting LBA of NVM I/O commands (SLBA). */
    public static long slba(MemorySegment s, long base) {
        return (cdw10(s, base) & 0xffff_ffffL) | ((long) cdw11(s, base) << 32);
    }

    public static void slba(MemorySegment s, long base, long slba) {
        cdw10(s, base, (int) slba);
        cdw11(s, base, (int) (slba >>> 32));
    }

    /** CDW12 bits 15:0: Number of Logical Blocks, 0's based (NVM Command Set 1.1, Read and Write commands). */
    public static int nlb(MemorySegment s, long base) {
        return (cdw12(s, base) & 0xffff) + 1;
    }
}
