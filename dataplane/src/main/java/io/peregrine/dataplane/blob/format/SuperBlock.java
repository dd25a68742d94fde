package io.peregrine.dataplane.blob.format;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The pool's identity and layout (FORMAT.md §3), written twice (at byte 0 and byte 4096) when the
 * pool is created and never rewritten: everything that changes lives in checkpoints and the log.
 *
 * @param uuid the pool's UUID, also stamped into every checkpoint and log page
 * @param name the pool's name (at most {@link #MAX_NAME} bytes of UTF-8)
 * @param createdMillis when the pool was created
 * @param clusterSize bytes per cluster
 * @param blockSize the device's block size when the pool was created
 * @param clusterCount clusters in the data region
 * @param dataOffset byte offset of cluster 0
 * @param checkpointOffset0 byte offset of checkpoint slot 0
 * @param checkpointOffset1 byte offset of checkpoint slot 1
 * @param checkpointBytes bytes per checkpoint slot
 * @param logOffset byte offset of the log ring
 * @param logPages pages in the log ring
 * @param deviceBytes the device's size when the pool was created
 */
public record SuperBlock(
        UUID uuid,
        String name,
        long createdMillis,
        int clusterSize,
        int blockSize,
        long clusterCount,
        long dataOffset,
        long checkpointOffset0,
        long checkpointOffset1,
        long checkpointBytes,
        long logOffset,
        long logPages,
        long deviceBytes) {
    public static final long MAGIC = 0x4c4f4f504e475250L; // "PRGNPOOL" little-endian
    public static final int VERSION = 1;
    public static final int MAX_NAME = 128;
    public static final long COPY_A = 0;
    public static final long COPY_B = MdPage.SIZE;

    public ByteBuffer encode() {
        ByteBuffer p = MdPage.allocate();
        p.putLong(0, MAGIC);
        p.putInt(8, VERSION);
        p.putInt(12, 0);
        Uuids.put(p, 16, uuid);
        p.putLong(32, createdMillis);
        p.putInt(40, clusterSize);
        p.putInt(44, MdPage.SIZE);
        p.putInt(48, blockSize);
        p.putLong(56, clusterCount);
        p.putLong(64, dataOffset);
        p.putLong(72, checkpointOffset0);
        p.putLong(80, checkpointOffset1);
        p.putLong(88, checkpointBytes);
        p.putLong(96, logOffset);
        p.putLong(104, logPages);
        p.putLong(112, deviceBytes);
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        p.putShort(120, (short) n.length);
        p.put(122, n);
        MdPage.seal(p);
        return p;
    }

    /** Decodes a page; {@code where} names the copy in messages. */
    public static SuperBlock decode(ByteBuffer p, String where) throws FormatException {
        if (p.getLong(0) != MAGIC) {
            throw new FormatException(where + ": no Peregrine pool here (magic is "
                    + String.format("%016x", p.getLong(0)) + ", expected " + String.format("%016x", MAGIC) + ")");
        }
        if (!MdPage.valid(p)) {
            throw new FormatException(where + ": checksum mismatch (torn or damaged)");
        }
        int version = p.getInt(8);
        if (version != VERSION) {
            throw new FormatException(
                    where + ": format version " + version + " is not supported (this build reads " + VERSION + ")");
        }
        if (p.getInt(44) != MdPage.SIZE) {
            throw new FormatException(where + ": metadata page size " + p.getInt(44) + " is not " + MdPage.SIZE);
        }
        int nameLen = Short.toUnsignedInt(p.getShort(120));
        if (nameLen > MAX_NAME) {
            throw new FormatException(where + ": pool name length " + nameLen + " exceeds " + MAX_NAME);
        }
        byte[] n = new byte[nameLen];
        p.get(122, n);
        SuperBlock sb = new SuperBlock(
                Uuids.get(p, 16),
                new String(n, StandardCharsets.UTF_8),
                p.getLong(32),
                p.getInt(40),
                p.getInt(48),
                p.getLong(56),
                p.getLong(64),
                p.getLong(72),
                p.getLong(80),
                p.getLong(88),
                p.getLong(96),
                p.getLong(104),
                p.getLong(112));
        sb.validate(where);
        return sb;
    }

    private void validate(String where) throws FormatException {
        if (Integer.bitCount(clusterSize) != 1 || clusterSize < MdPage.SIZE) {
            throw new FormatException(where + ": cluster size " + clusterSize + " is not a power of two >= 4096");
        }
        if (clusterCount < 1 || clusterCount > Integer.MAX_VALUE - 1) {
            throw new FormatException(where + ": cluster count " + clusterCount + " out of range");
        }
        long end = dataOffset + clusterCount * clusterSize;
        if (dataOffset % clusterSize != 0 || end > deviceBytes || end < 0) {
            throw new FormatException(where + ": data region [" + dataOffset + ", " + end + ") does not fit the "
                    + deviceBytes + "-byte device it was created on");
        }
        if (checkpointOffset0 < 2L * MdPage.SIZE
                || checkpointOffset1 < checkpointOffset0 + checkpointBytes
                || logOffset < checkpointOffset1 + checkpointBytes
                || logOffset + logPages * MdPage.SIZE > dataOffset
                || checkpointBytes < 2L * MdPage.SIZE
                || logPages < 2) {
            throw new FormatException(where + ": metadata regions overlap or are out of order");
        }
    }

    /** Bytes of the device the pool uses. */
    public long usedBytes() {
        return dataOffset + clusterCount * clusterSize;
    }
}
