package io.peregrine.dataplane.blob.format;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A blob as it is written into a checkpoint or a create record (FORMAT.md §4.1).
 *
 * @param id the blob's number within the pool, never reused
 * @param uuid the blob's UUID, stable for its life
 * @param parentId the blob it reads through to where it has no cluster, or 0
 * @param flags {@link #THIN}, {@link #READ_ONLY}
 * @param sizeClusters the blob's size
 * @param xattrs extended attributes, ordered by key
 * @param extents the clusters it owns
 */
public record BlobImage(
        long id,
        UUID uuid,
        long parentId,
        int flags,
        long sizeClusters,
        SortedMap<String, byte[]> xattrs,
        List<Extent> extents) {
    /** Clusters are allocated on first write. */
    public static final int THIN = 1;
    /** A snapshot: never written again. */
    public static final int READ_ONLY = 2;

    public static final int MAX_XATTR_KEY = 255;
    public static final int MAX_XATTR_BYTES = 4096;

    public BlobImage {
        xattrs = Collections.unmodifiableSortedMap(new TreeMap<>(xattrs));
        extents = List.copyOf(extents);
    }

    /** Bytes this image takes when encoded, extents excluded. */
    public static int fixedBytes(Map<String, byte[]> xattrs) {
        int n = 4 + 8 + 16 + 8 + 4 + 8 + 4 + 4;
        for (Map.Entry<String, byte[]> e : xattrs.entrySet()) {
            n += 2 + e.getKey().getBytes(StandardCharsets.UTF_8).length + 4 + e.getValue().length;
        }
        return n;
    }

    public void encode(ByteSink out) {
        int start = out.size();
        out.putInt(0); // length, patched below
        out.putLong(id);
        out.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        out.putLong(parentId);
        out.putInt(flags);
        out.putLong(sizeClusters);
        encodeXattrs(out, xattrs);
        out.putInt(extents.size());
        for (Extent e : extents) {
            out.putInt(e.logical()).putInt(e.physical()).putInt(e.length());
        }
        out.putIntAt(start, out.size() - start);
    }

    public static BlobImage decode(ByteBuffer in) throws FormatException {
        int start = in.position();
        int length = in.getInt();
        if (length < 56 || length > in.remaining() + 4) {
            throw new FormatException(
                    "blob record length " + length + " does not fit the " + (in.remaining() + 4) + " bytes left");
        }
        long id = in.getLong();
        UUID uuid = Uuids.get(in);
        long parent = in.getLong();
        int flags = in.getInt();
        long size = in.getLong();
        SortedMap<String, byte[]> xattrs = decodeXattrs(in, "blob " + id);
        int n = in.getInt();
        if (n < 0 || (long) n * Extent.BYTES > in.remaining()) {
            throw new FormatException("blob " + id + ": extent count " + n + " does not fit its record");
        }
        List<Extent> extents = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            extents.add(new Extent(in.getInt(), in.getInt(), in.getInt()));
        }
        if (in.position() - start != length) {
            throw new FormatException(
                    "blob " + id + ": record is " + length + " bytes but its fields take " + (in.position() - start));
        }
        return new BlobImage(id, uuid, parent, flags, size, xattrs, extents);
    }

    static void encodeXattrs(ByteSink out, Map<String, byte[]> xattrs) {
        out.putInt(xattrs.size());
        for (Map.Entry<String, byte[]> e : xattrs.entrySet()) {
            byte[] k = e.getKey().getBytes(StandardCharsets.UTF_8);
            out.putShort(k.length).put(k).putInt(e.getValue().length).put(e.getValue());
        }
    }

    static SortedMap<String, byte[]> decodeXattrs(ByteBuffer in, String who) throws FormatException {
        int count = in.getInt();
        if (count < 0 || count > in.remaining() / 6) {
            throw new FormatException(who + ": xattr count " + count + " does not fit its record");
        }
        SortedMap<String, byte[]> m = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            int kl = Short.toUnsignedInt(in.getShort());
            if (kl > in.remaining()) {
                throw new FormatException(who + ": xattr key length " + kl + " overruns its record");
            }
            byte[] k = new byte[kl];
            in.get(k);
            int vl = in.getInt();
            if (vl < 0 || vl > in.remaining()) {
                throw new FormatException(who + ": xattr value length " + vl + " overruns its record");
            }
            byte[] v = new byte[vl];
            in.get(v);
            m.put(new String(k, StandardCharsets.UTF_8), v);
        }
        return m;
    }

    public boolean thin() {
        return (flags & THIN) != 0;
    }

    public boolean readOnly() {
        return (flags & READ_ONLY) != 0;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof BlobImage b)) {
            return false;
        }
        if (id != b.id
                || parentId != b.parentId
                || flags != b.flags
                || sizeClusters != b.sizeClusters
                || !uuid.equals(b.uuid)
                || !extents.equals(b.extents)
                || !xattrs.keySet().equals(b.xattrs.keySet())) {
            return false;
        }
        for (Map.Entry<String, byte[]> e : xattrs.entrySet()) {
            if (!java.util.Arrays.equals(e.getValue(), b.xattrs.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id) * 31 + uuid.hashCode();
    }
}
