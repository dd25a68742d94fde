package io.peregrine.nvmf.core;

/**
 * The limits a target advertises and enforces, the same for every controller it creates.
 *
 * @param maxQueueEntries largest queue a host may create (CAP.MQES + 1)
 * @param maxIoQueues I/O queues granted per controller (Number of Queues feature)
 * @param inCapsuleDataSize bytes of in-capsule data accepted on I/O queues (IOCCSZ - 64)
 * @param maxTransferSize largest data transfer of one command (MDTS), a power of two
 * @param maxH2CData largest H2CData data section (MAXH2CDATA)
 * @param keepAliveGranularityMillis KAS: KATO values are rounded up to a multiple of this
 */
public record TargetLimits(
        int maxQueueEntries,
        int maxIoQueues,
        int inCapsuleDataSize,
        int maxTransferSize,
        int maxH2CData,
        int keepAliveGranularityMillis) {

    /** Admin queues take capsules of 8 KiB (TCP Transport 1.1: fixed for the admin queue). */
    public static final int ADMIN_CAPSULE_DATA = 8192;

    public static final TargetLimits DEFAULT = new TargetLimits(1024, 64, 16384, 1 << 20, 128 * 1024, 1000);

    public TargetLimits {
        if (maxQueueEntries < 32 || maxQueueEntries > 65536) {
            throw new IllegalArgumentException("queue entries must be 32..65536, got " + maxQueueEntries);
        }
        if (maxIoQueues < 1 || maxIoQueues > 65535) {
            throw new IllegalArgumentException("I/O queues must be 1..65535, got " + maxIoQueues);
        }
        if (inCapsuleDataSize < 0 || inCapsuleDataSize % 16 != 0 || inCapsuleDataSize > maxTransferSize) {
            throw new IllegalArgumentException(
                    "in-capsule data must be a multiple of 16 up to the transfer size, got " + inCapsuleDataSize);
        }
        if (maxTransferSize < 4096 || Integer.bitCount(maxTransferSize) != 1) {
            throw new IllegalArgumentException(
                    "the transfer size must be a power of two of at least 4096, got " + maxTransferSize);
        }
        if (maxH2CData < 4096)
            throw new IllegalArgumentException("MAXH2CDATA must be at least 4096, got " + maxH2CData);
        if (keepAliveGranularityMillis < 100 || keepAliveGranularityMillis % 100 != 0) {
            throw new IllegalArgumentException(
                    "keep-alive granularity is in 100 ms units, got " + keepAliveGranularityMillis);
        }
    }

    /** IOCCSZ: the I/O command capsule size in 16-byte units, the 64-byte SQE included. */
    public int ioccsz() {
        return (64 + inCapsuleDataSize) / 16;
    }

    /** MDTS: the transfer limit as a power of two in units of the 4 KiB minimum page size. */
    public int mdts() {
        return Integer.numberOfTrailingZeros(maxTransferSize) - 12;
    }

    /** KAS in 100 ms units. */
    public int kas() {
        return keepAliveGranularityMillis / 100;
    }
}
