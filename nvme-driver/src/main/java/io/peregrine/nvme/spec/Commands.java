package io.peregrine.nvme.spec;

/**
 * The command-specific dwords, encoded and decoded in one place so a host and a controller agree
 * on every bit. Names follow the spec's field names; "0's based" values are converted here and
 * nowhere else.
 */
public final class Commands {

    /** The broadcast NSID: all namespaces (NVMe Base 2.1, "Namespace Identifier"). */
    public static final int NSID_ALL = 0xFFFF_FFFF;

    private Commands() {}

    // ---- Identify (admin 06h): CDW10 CNS (7:0), CNTID (31:16); CDW11 CSI (31:24)

    public static int identifyCdw10(Cns cns, int cntid) {
        return cns.value() | ((cntid & 0xffff) << 16);
    }

    public static int identifyCns(int cdw10) {
        return cdw10 & 0xff;
    }

    // ---- Get Log Page (admin 02h)
    // CDW10: LID (7:0), LSP (14:8), RAE (15), NUMDL (31:16); CDW11: NUMDU (15:0), LSI (31:16);
    // CDW12/13: LPOL/LPOU (byte offset). NUMD is a 0's based dword count.

    public static int getLogPageCdw10(int lid, long bytes, boolean retainAsyncEvent) {
        long numd = dwords(bytes) - 1;
        return (lid & 0xff) | (retainAsyncEvent ? 1 << 15 : 0) | ((int) (numd & 0xffff) << 16);
    }

    public static int getLogPageCdw11(long bytes) {
        long numd = dwords(bytes) - 1;
        return (int) ((numd >>> 16) & 0xffff);
    }

    public static int getLogPageLid(int cdw10) {
        return cdw10 & 0xff;
    }

    /** Bytes requested by a Get Log Page: (NUMD + 1) dwords. */
    public static long getLogPageBytes(int cdw10, int cdw11) {
        long numd = ((cdw10 >>> 16) & 0xffffL) | ((cdw11 & 0xffffL) << 16);
        return (numd + 1) * 4;
    }

    public static long getLogPageOffset(int cdw12, int cdw13) {
        return (cdw12 & 0xffff_ffffL) | ((long) cdw13 << 32);
    }

    // ---- Set/Get Features (admin 09h/0Ah): CDW10 FID (7:0), SV/SEL (31 / 10:8)

    public static int setFeaturesCdw10(FeatureId fid, boolean save) {
        return fid.value() | (save ? 1 << 31 : 0);
    }

    public static int getFeaturesCdw10(FeatureId fid, int select) {
        return fid.value() | ((select & 0x7) << 8);
    }

    public static int featureId(int cdw10) {
        return cdw10 & 0xff;
    }

    /** Number of Queues (FID 07h) CDW11 and completion DW0: NSQR (15:0), NCQR (31:16), both 0's based. */
    public static int numberOfQueues(int submissionQueues, int completionQueues) {
        return ((submissionQueues - 1) & 0xffff) | (((completionQueues - 1) & 0xffff) << 16);
    }

    public static int numberOfSubmissionQueues(int value) {
        return (value & 0xffff) + 1;
    }

    public static int numberOfCompletionQueues(int value) {
        return ((value >>> 16) & 0xffff) + 1;
    }

    // ---- Create I/O Completion Queue (admin 05h)
    // CDW10: QID (15:0), QSIZE (31:16, 0's based); CDW11: PC (0), IEN (1), IV (31:16)

    public static int createQueueCdw10(int qid, int entries) {
        return (qid & 0xffff) | (((entries - 1) & 0xffff) << 16);
    }

    public static int queueId(int cdw10) {
        return cdw10 & 0xffff;
    }

    public static int queueEntries(int cdw10) {
        return ((cdw10 >>> 16) & 0xffff) + 1;
    }

    public static int createIoCqCdw11(boolean physicallyContiguous, boolean interruptsEnabled, int vector) {
        return (physicallyContiguous ? 1 : 0) | (interruptsEnabled ? 1 << 1 : 0) | ((vector & 0xffff) << 16);
    }

    // ---- Create I/O Submission Queue (admin 01h): CDW11: PC (0), QPRIO (2:1), CQID (31:16)

    public static int createIoSqCdw11(boolean physicallyContiguous, int priority, int cqid) {
        return (physicallyContiguous ? 1 : 0) | ((priority & 0x3) << 1) | ((cqid & 0xffff) << 16);
    }

    public static int createIoSqCqid(int cdw11) {
        return (cdw11 >>> 16) & 0xffff;
    }

    public static boolean physicallyContiguous(int cdw11) {
        return (cdw11 & 1) != 0;
    }

    // ---- Delete I/O SQ/CQ (admin 00h/04h): CDW10 QID (15:0)

    public static int deleteQueueCdw10(int qid) {
        return qid & 0xffff;
    }

    // ---- Abort (admin 08h): CDW10 SQID (15:0), CID (31:16); DW0 bit 0 set = command NOT aborted

    public static int abortCdw10(int sqid, int cid) {
        return (sqid & 0xffff) | ((cid & 0xffff) << 16);
    }

    public static int abortSqid(int cdw10) {
        return cdw10 & 0xffff;
    }

    public static int abortCid(int cdw10) {
        return (cdw10 >>> 16) & 0xffff;
    }

    /** Abort's completion DW0 bit 0: 0 when the command was aborted, 1 when it was not. */
    public static boolean abortNotPerformed(int dw0) {
        return (dw0 & 1) != 0;
    }

    // ---- Read / Write / Write Zeroes (NVM 02h/01h/08h)
    // CDW10/11 SLBA; CDW12: NLB (15:0, 0's based), DEAC (25, Write Zeroes), PRINFO (29:26), FUA (30), LR (31)

    public static final int CDW12_DEAC = 1 << 25;
    public static final int CDW12_FUA = 1 << 30;
    public static final int CDW12_LR = 1 << 31;
    /** The most blocks one Read/Write/Write Zeroes can name (NLB is 16 bits, 0's based). */
    public static final int MAX_BLOCKS_PER_COMMAND = 0x10000;

    public static int rwCdw12(int blocks, int flags) {
        if (blocks < 1 || blocks > MAX_BLOCKS_PER_COMMAND) {
            throw new IllegalArgumentException("NLB covers 1-65536 blocks, got " + blocks);
        }
        return ((blocks - 1) & 0xffff) | flags;
    }

    public static int rwBlocks(int cdw12) {
        return (cdw12 & 0xffff) + 1;
    }

    // ---- Dataset Management (NVM 09h): CDW10 NR (7:0, 0's based); CDW11 IDR (0), IDW (1), AD (2)

    public static final int DSM_ATTRIBUTE_DEALLOCATE = 1 << 2;

    public static int dsmCdw10(int ranges) {
        if (ranges < 1 || ranges > DsmRange.MAX_RANGES) {
            throw new IllegalArgumentException("Dataset Management takes 1-256 ranges, got " + ranges);
        }
        return (ranges - 1) & 0xff;
    }

    public static int dsmRanges(int cdw10) {
        return (cdw10 & 0xff) + 1;
    }

    private static long dwords(long bytes) {
        if (bytes < 4 || bytes % 4 != 0) {
            throw new IllegalArgumentException("log pages are read in whole dwords, got " + bytes + " bytes");
        }
        return bytes / 4;
    }
}
