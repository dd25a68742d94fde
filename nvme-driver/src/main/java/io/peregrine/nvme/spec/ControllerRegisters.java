package io.peregrine.nvme.spec;

/**
 * The controller registers: BAR0 of a PCIe controller, the properties of a Fabrics one (NVMe Base
 * 2.1, "Controller Registers"). Offsets, field positions and the doorbell arithmetic.
 *
 * <pre>
 *  00h CAP    Controller Capabilities (64)     14h CC    Controller Configuration
 *  08h VS     Version                          1Ch CSTS  Controller Status
 *  0Ch INTMS  Interrupt Mask Set               20h NSSR  NVM Subsystem Reset
 *  10h INTMC  Interrupt Mask Clear             24h AQA   Admin Queue Attributes
 *  28h ASQ    Admin SQ Base Address (64)       30h ACQ   Admin CQ Base Address (64)
 *  1000h      SQ0TDBL, then CQ0HDBL, SQ1TDBL, ... each (4 << CAP.DSTRD) bytes apart
 * </pre>
 */
public final class ControllerRegisters {

    public static final int CAP = 0x00;
    public static final int VS = 0x08;
    public static final int INTMS = 0x0C;
    public static final int INTMC = 0x10;
    public static final int CC = 0x14;
    public static final int CSTS = 0x1C;
    public static final int NSSR = 0x20;
    public static final int AQA = 0x24;
    public static final int ASQ = 0x28;
    public static final int ACQ = 0x30;
    public static final int CMBLOC = 0x38;
    public static final int CMBSZ = 0x3C;
    /** The first doorbell. */
    public static final int DOORBELLS = 0x1000;

    // CC fields
    public static final int CC_EN = 1;
    public static final int CC_CSS_SHIFT = 4;
    public static final int CC_MPS_SHIFT = 7;
    public static final int CC_AMS_SHIFT = 11;
    public static final int CC_SHN_SHIFT = 14;
    public static final int CC_SHN_MASK = 0x3 << CC_SHN_SHIFT;
    public static final int CC_IOSQES_SHIFT = 16;
    public static final int CC_IOCQES_SHIFT = 20;
    /** CC.SHN values. */
    public static final int SHN_NONE = 0;

    public static final int SHN_NORMAL = 1;
    public static final int SHN_ABRUPT = 2;
    /** CC.CSS values: NVM command set, all supported I/O command sets, admin only. */
    public static final int CSS_NVM = 0;

    public static final int CSS_ALL_IO = 6;
    public static final int CSS_ADMIN_ONLY = 7;

    // CSTS fields
    public static final int CSTS_RDY = 1;
    public static final int CSTS_CFS = 1 << 1;
    public static final int CSTS_SHST_SHIFT = 2;
    public static final int CSTS_SHST_MASK = 0x3 << CSTS_SHST_SHIFT;
    public static final int CSTS_NSSRO = 1 << 4;
    public static final int CSTS_PP = 1 << 5;
    /** CSTS.SHST values. */
    public static final int SHST_NORMAL = 0;

    public static final int SHST_OCCURRING = 1;
    public static final int SHST_COMPLETE = 2;

    /** NSSR: writing this value ("NVMe") starts an NVM Subsystem Reset. */
    public static final int NSSR_RESET = 0x4E564D65;

    private ControllerRegisters() {}

    /** Byte offset of the Submission Queue {@code qid} Tail Doorbell. */
    public static long sqTailDoorbell(int qid, int dstrd) {
        return DOORBELLS + (2L * qid) * (4L << dstrd);
    }

    /** Byte offset of the Completion Queue {@code qid} Head Doorbell. */
    public static long cqHeadDoorbell(int qid, int dstrd) {
        return DOORBELLS + (2L * qid + 1) * (4L << dstrd);
    }

    /** CC for enabling: 64-byte SQEs, 16-byte CQEs, round robin, {@code mps} as 2^(12+MPS). */
    public static int ccEnable(int css, int mps) {
        return CC_EN | (css << CC_CSS_SHIFT) | (mps << CC_MPS_SHIFT) | (6 << CC_IOSQES_SHIFT) | (4 << CC_IOCQES_SHIFT);
    }

    public static int ccShn(int cc) {
        return (cc & CC_SHN_MASK) >>> CC_SHN_SHIFT;
    }

    public static int ccMps(int cc) {
        return (cc >>> CC_MPS_SHIFT) & 0xf;
    }

    public static int ccCss(int cc) {
        return (cc >>> CC_CSS_SHIFT) & 0x7;
    }

    public static int ccIosqes(int cc) {
        return (cc >>> CC_IOSQES_SHIFT) & 0xf;
    }

    public static int ccIocqes(int cc) {
        return (cc >>> CC_IOCQES_SHIFT) & 0xf;
    }

    public static int cstsShst(int csts) {
        return (csts & CSTS_SHST_MASK) >>> CSTS_SHST_SHIFT;
    }

    /** AQA: admin SQ and CQ sizes, both 0's based (12 bits each). */
    public static int aqa(int sqEntries, int cqEntries) {
        return ((sqEntries - 1) & 0xfff) | (((cqEntries - 1) & 0xfff) << 16);
    }

    public static int aqaSqEntries(int aqa) {
        return (aqa & 0xfff) + 1;
    }

    public static int aqaCqEntries(int aqa) {
        return ((aqa >>> 16) & 0xfff) + 1;
    }

    /** VS as "2.1.0". */
    public static String version(int vs) {
        return (vs >>> 16) + "." + ((vs >>> 8) & 0xff) + "." + (vs & 0xff);
    }

    public static int vs(int major, int minor, int tertiary) {
        return (major << 16) | (minor << 8) | tertiary;
    }

    /**
     * CAP decoded. MQES is 0's based in the register; {@link #maxQueueEntries()} is not.
     *
     * @param mqes    maximum queue entries supported, 0's based (bits 15:0)
     * @param cqr     contiguous queues required (bit 16)
     * @param ams     arbitration mechanisms supported (bits 18:17)
     * @param to      worst-case time to CSTS.RDY after EN changes, in 500 ms units (bits 31:24)
     * @param dstrd   doorbell stride, 2^(2+DSTRD) bytes (bits 35:32)
     * @param nssrs   NVM subsystem reset supported (bit 36)
     * @param css     command sets supported (bits 44:37)
     * @param bps     boot partition support (bit 45)
     * @param mpsmin  minimum memory page size, 2^(12+MPSMIN) (bits 51:48)
     * @param mpsmax  maximum memory page size, 2^(12+MPSMAX) (bits 55:52)
     * @param pmrs    persistent memory region supported (bit 56)
     * @param cmbs    controller memory buffer supported (bit 57)
     */
    public record Cap(
            int mqes,
            boolean cqr,
            int ams,
            int to,
            int dstrd,
            boolean nssrs,
            int css,
            boolean bps,
            int mpsmin,
            int mpsmax,
            boolean pmrs,
            boolean cmbs) {

        /** CSS bit 0: the NVM command set. */
        public static final int CSS_NVM_SUPPORTED = 1;
        /** CSS bit 6: one or more I/O command sets (CC.CSS = 110b allowed). */
        public static final int CSS_IO_SETS_SUPPORTED = 1 << 6;
        /** CSS bit 7: no I/O command set, admin only. */
        public static final int CSS_ADMIN_ONLY = 1 << 7;

        public static Cap decode(long cap) {
            return new Cap(
                    (int) (cap & 0xffff),
                    ((cap >>> 16) & 1) != 0,
                    (int) ((cap >>> 17) & 0x3),
                    (int) ((cap >>> 24) & 0xff),
                    (int) ((cap >>> 32) & 0xf),
                    ((cap >>> 36) & 1) != 0,
                    (int) ((cap >>> 37) & 0xff),
                    ((cap >>> 45) & 1) != 0,
                    (int) ((cap >>> 48) & 0xf),
                    (int) ((cap >>> 52) & 0xf),
                    ((cap >>> 56) & 1) != 0,
                    ((cap >>> 57) & 1) != 0);
        }

        public long encode() {
            return (mqes & 0xffffL)
                    | (cqr ? 1L << 16 : 0)
                    | ((long) (ams & 0x3) << 17)
                    | ((long) (to & 0xff) << 24)
                    | ((long) (dstrd & 0xf) << 32)
                    | (nssrs ? 1L << 36 : 0)
                    | ((long) (css & 0xff) << 37)
                    | (bps ? 1L << 45 : 0)
                    | ((long) (mpsmin & 0xf) << 48)
                    | ((long) (mpsmax & 0xf) << 52)
                    | (pmrs ? 1L << 56 : 0)
                    | (cmbs ? 1L << 57 : 0);
        }

        public int maxQueueEntries() {
            return mqes + 1;
        }

        /** CAP.TO in milliseconds: how long the host must be prepared to wait for CSTS.RDY. */
        public long timeoutMillis() {
            return to * 500L;
        }

        public long minPageSize() {
            return 1L << (12 + mpsmin);
        }

        public long maxPageSize() {
            return 1L << (12 + mpsmax);
        }

        public int doorbellStrideBytes() {
            return 4 << dstrd;
        }
    }
}
