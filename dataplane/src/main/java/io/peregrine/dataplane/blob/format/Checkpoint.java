package io.peregrine.dataplane.blob.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A complete image of the pool's metadata (FORMAT.md §4): written to the checkpoint slot that
 * does not hold the newest valid checkpoint, so a torn write leaves the previous one intact. The
 * header page carries the body's length and CRC32C; a body that does not match is not a
 * checkpoint.
 *
 * @param pool the pool's UUID (checkpoints of an older pool on the same device do not count)
 * @param generation increases by one with every checkpoint
 * @param replayLsn the first log page to replay on top of this image
 * @param clean written by an orderly export: nothing was in flight
 * @param hwm clusters at or above this were never written since the pool was created
 * @param nextBlobId the id the next new blob gets
 * @param createdMillis wall-clock time of the checkpoint, for humans
 * @param blobs every blob, ordered by id
 */
public record Checkpoint(
        UUID pool,
        long generation,
        long replayLsn,
        boolean clean,
        long hwm,
        long nextBlobId,
        long createdMillis,
        List<BlobImage> blobs) {
    public static final long MAGIC = 0x54504b434e475250L; // "PRGNCKPT"
    public static final int VERSION = 1;

    public Checkpoint {
        blobs = List.copyOf(blobs);
    }

    /** The header fields, readable without the body. */
    public record Header(
            UUID pool,
            long generation,
            long replayLsn,
            boolean clean,
            long hwm,
            long nextBlobId,
            long createdMillis,
            long bodyBytes,
            int bodyCrc,
            int blobCount) {}

    /** Header page followed by the body, padded to whole pages. */
    public byte[] encode() {
        ByteSink body = new ByteSink(4096);
        for (BlobImage b : blobs) {
            b.encode(body);
        }
        int pages = 1 + (body.size() + MdPage.SIZE - 1) / MdPage.SIZE;
        byte[] out = new byte[pages * MdPage.SIZE];
        ByteBuffer h = MdPage.allocate();
        h.putLong(0, MAGIC);
        h.putInt(8, VERSION);
        h.putInt(12, clean ? 1 : 0);
        Uuids.put(h, 16, pool);
        h.putLong(32, generation);
        h.putLong(40, replayLsn);
        h.putLong(48, body.size());
        h.putInt(56, MdPage.crc(body.array(), 0, body.size()));
        h.putInt(60, blobs.size());
        h.putLong(64, hwm);
        h.putLong(72, nextBlobId);
        h.putLong(80, createdMillis);
        MdPage.seal(h);
        System.arraycopy(h.array(), 0, out, 0, MdPage.SIZE);
        System.arraycopy(body.array(), 0, out, MdPage.SIZE, body.size());
        return out;
    }

    /** Encoded size without building it: header page plus the body rounded up to pages. */
    public static long encodedBytes(long bodyBytes) {
        return MdPage.SIZE + (bodyBytes + MdPage.SIZE - 1) / MdPage.SIZE * MdPage.SIZE;
    }

    /**
     * Reads a header page; returns null when the slot holds no checkpoint of {@code pool} (never
     * written, torn, or an older pool's), with the reason in {@code why} when it is non-null.
     */
    public static Header decodeHeader(ByteBuffer page, UUID pool, StringBuilder why) throws FormatException {
        if (page.getLong(0) != MAGIC) {
            note(why, "no checkpoint (never written)");
            return null;
        }
        if (!MdPage.valid(page)) {
            note(why, "header checksum mismatch (torn write)");
            return null;
        }
        if (!Uuids.get(page, 16).equals(pool)) {
            note(why, "belongs to another pool " + Uuids.get(page, 16));
            return null;
        }
        int version = page.getInt(8);
        if (version != VERSION) {
            throw new FormatException("checkpoint format version " + version + " is not supported");
        }
        return new Header(
                pool,
                page.getLong(32),
                page.getLong(40),
                (page.getInt(12) & 1) != 0,
                page.getLong(64),
                page.getLong(72),
                page.getLong(80),
                page.getLong(48),
                page.getInt(56),
                page.getInt(60));
    }

    private static void note(StringBuilder why, String s) {
        if (why != null) {
            why.append(s);
        }
    }

    /** True when {@code body} (at least {@code h.bodyBytes()} long) matches the header's CRC. */
    public static boolean bodyValid(Header h, byte[] body) {
        return h.bodyBytes() <= body.length && MdPage.crc(body, 0, (int) h.bodyBytes()) == h.bodyCrc();
    }

    /** Decodes a body whose CRC was checked. */
    public static Checkpoint decode(Header h, byte[] body) throws FormatException {
        ByteBuffer in = ByteBuffer.wrap(body, 0, (int) h.bodyBytes()).order(ByteOrder.LITTLE_ENDIAN);
        List<BlobImage> blobs = new ArrayList<>(h.blobCount());
        for (int i = 0; i < h.blobCount(); i++) {
            try {
                blobs.add(BlobImage.decode(in));
            } catch (java.nio.BufferUnderflowException e) {
                throw new FormatException("checkpoint " + h.generation() + ": blob record " + i + " is truncated");
            } catch (FormatException e) {
                throw new FormatException(
                        "checkpoint " + h.generation() + ", blob record " + i + ": " + e.getMessage());
            }
        }
        if (in.hasRemaining()) {
            throw new FormatException("checkpoint " + h.generation() + ": " + in.remaining()
                    + " bytes after the last of its " + h.blobCount() + " blobs");
        }
        return new Checkpoint(
                h.pool(), h.generation(), h.replayLsn(), h.clean(), h.hwm(), h.nextBlobId(), h.createdMillis(), blobs);
    }
}
