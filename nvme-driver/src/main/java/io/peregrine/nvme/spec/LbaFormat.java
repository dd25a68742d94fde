package io.peregrine.nvme.spec;

/**
 * One LBA Format entry of Identify Namespace (4 bytes): metadata size in bytes (bits 15:0),
 * LBA data size as a power of two (bits 23:16) and relative performance (bits 25:24, 0 = best).
 */
public record LbaFormat(int metadataSize, int lbaDataSizeShift, int relativePerformance) {

    public LbaFormat {
        if (metadataSize < 0 || metadataSize > 0xffff) {
            throw new IllegalArgumentException("MS is 16 bits, got " + metadataSize);
        }
        if (lbaDataSizeShift < 0 || lbaDataSizeShift > 0xff) {
            throw new IllegalArgumentException("LBADS is 8 bits, got " + lbaDataSizeShift);
        }
        if (relativePerformance < 0 || relativePerformance > 3) {
            throw new IllegalArgumentException("RP is 2 bits, got " + relativePerformance);
        }
    }

    /** A format with no metadata and {@code blockSize} bytes per block (a power of two, ≥ 512). */
    public static LbaFormat ofBlockSize(int blockSize) {
        if (blockSize < 512 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size must be a power of two of at least 512, got " + blockSize);
        }
        return new LbaFormat(0, Integer.numberOfTrailingZeros(blockSize), 0);
    }

    public static LbaFormat decode(int lbaf) {
        return new LbaFormat(lbaf & 0xffff, (lbaf >>> 16) & 0xff, (lbaf >>> 24) & 0x3);
    }

    public int encode() {
        return metadataSize | (lbaDataSizeShift << 16) | (relativePerformance << 24);
    }

    /** Bytes per logical block; 0 when the entry is unused (LBADS below 9 is not a supported format). */
    public int blockSize() {
        return lbaDataSizeShift < 9 || lbaDataSizeShift > 30 ? 0 : 1 << lbaDataSizeShift;
    }
}
