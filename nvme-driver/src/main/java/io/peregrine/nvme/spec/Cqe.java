package io.peregrine.nvme.spec;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * Completion Queue Entry: 16 bytes (NVMe Base 2.1, "Completion Queue Entry").
 *
 * <pre>
 *   0  DW0    command specific
 *   4  DW1    command specific
 *   8  SQHD   SQ head pointer (15:0)       10  SQID   SQ identifier (15:0)
 *  12  CID    command identifier (15:0)    14  P (bit 0) + Status Field (15:1)
 * </pre>
 *
 * The Status Field (bits 15:1 of the last halfword) is what {@link Status} decodes. A host polls
 * the Phase Tag: the controller inverts it on each pass through the ring ("Phase Tag"), so an entry
 * whose phase equals the host's expected phase is new.
 */
public final class Cqe {

    public static final long SIZE = 16;

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                    Le.U32.withName("dw0"),
                    Le.U32.withName("dw1"),
                    Le.U16.withName("sqhd"),
                    Le.U16.withName("sqid"),
                    Le.U16.withName("cid"),
                    Le.U16.withName("status"))
            .withName("nvme_cqe");

    /** Offset of DW3 (CID + phase + status) as one 32-bit word: what a poller reads. */
    public static final long DW3_OFFSET = LAYOUT.byteOffset(groupElement("cid"));

    private static final VarHandle DW0 = handle("dw0");
    private static final VarHandle DW1 = handle("dw1");
    private static final VarHandle SQHD = handle("sqhd");
    private static final VarHandle SQID = handle("sqid");
    private static final VarHandle CID = handle("cid");
    private static final VarHandle STATUS = handle("status");

    private Cqe() {}

    private static VarHandle handle(String name) {
        return LAYOUT.varHandle(groupElement(name));
    }

    public static int dw0(MemorySegment s, long base) {
        return (int) DW0.get(s, base);
    }

    public static void dw0(MemorySegment s, long base, int value) {
        DW0.set(s, base, value);
    }

    public static int dw1(MemorySegment s, long base) {
        return (int) DW1.get(s, base);
    }

    public static void dw1(MemorySegment s, long base, int value) {
        DW1.set(s, base, value);
    }

    public static int sqhd(MemorySegment s, long base) {
        return (short) SQHD.get(s, base) & 0xffff;
    }

    public static void sqhd(MemorySegment s, long base, int value) {
        SQHD.set(s, base, (short) value);
    }

    public static int sqid(MemorySegment s, long base) {
        return (short) SQID.get(s, base) & 0xffff;
    }

    public static void sqid(MemorySegment s, long base, int value) {
        SQID.set(s, base, (short) value);
    }

    public static int cid(MemorySegment s, long base) {
        return (short) CID.get(s, base) & 0xffff;
    }

    public static void cid(MemorySegment s, long base, int value) {
        CID.set(s, base, (short) value);
    }

    /** The last halfword: Phase Tag in bit 0, Status Field in bits 15:1. */
    public static int statusAndPhase(MemorySegment s, long base) {
        return (short) STATUS.get(s, base) & 0xffff;
    }

    public static void statusAndPhase(MemorySegment s, long base, int value) {
        STATUS.set(s, base, (short) value);
    }

    public static int phase(MemorySegment s, long base) {
        return statusAndPhase(s, base) & 1;
    }

    /** The 15-bit Status Field, as {@link Status#fromField(int)} takes it. */
    public static int statusField(MemorySegment s, long base) {
        return statusAndPhase(s, base) >>> 1;
    }

    /**
     * The phase tag from a DW3 value read in one 32-bit load ({@link #DW3_OFFSET}): the controller
     * writes the whole entry before the host may see it, but the host must see the phase bit last,
     * so the poller reads DW3 once and decodes both halves from that single read.
     */
    public static int phaseOfDw3(int dw3) {
        return (dw3 >>> 16) & 1;
    }

    public static int cidOfDw3(int dw3) {
        return dw3 & 0xffff;
    }

    public static int statusFieldOfDw3(int dw3) {
        return dw3 >>> 17;
    }

    /** Writes DW3 from its parts; a controller writes it last, after DW0-DW2. */
    public static int dw3(int cid, int phase, int statusField) {
        return (cid & 0xffff) | ((phase & 1) << 16) | ((statusField & 0x7fff) << 17);
    }
}
