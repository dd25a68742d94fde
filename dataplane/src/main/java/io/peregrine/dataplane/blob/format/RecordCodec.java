package io.peregrine.dataplane.blob.format;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.UUID;

/**
 * Encodes log records into the log stream and back (FORMAT.md §6): {@code u32 length} (the whole
 * record), {@code u16 type}, {@code u16 0}, then the type's fields.
 */
public final class RecordCodec {
    public static final int HEADER = 8;

    private RecordCodec() {}

    public static void encode(MdRecord r, ByteSink out) {
        int start = out.size();
        out.putInt(0).putShort(r.type()).putShort(0);
        switch (r) {
            case MdRecord.CreateBlob c -> c.image().encode(out);
            case MdRecord.Alloc a -> out.putLong(a.blob()).putInt(a.logical()).putInt(a.physical());
            case MdRecord.Free f -> out.putLong(f.blob()).putInt(f.logical());
            case MdRecord.Resize z -> {
                out.putLong(z.blob()).putLong(z.sizeClusters()).putInt(z.added().size());
                for (Extent e : z.added()) {
                    out.putInt(e.logical()).putInt(e.physical()).putInt(e.length());
                }
            }
            case MdRecord.Snapshot s -> {
                out.putLong(s.source()).putLong(s.snapshot());
                uuid(out, s.uuid());
                BlobImage.encodeXattrs(out, s.xattrs());
            }
            case MdRecord.Clone c -> {
                out.putLong(c.snapshot()).putLong(c.cloneId());
                uuid(out, c.uuid());
                out.putLong(c.sizeClusters());
                BlobImage.encodeXattrs(out, c.xattrs());
            }
            case MdRecord.Delete d -> out.putLong(d.blob());
            case MdRecord.Merge m -> out.putLong(m.snapshot()).putLong(m.child());
            case MdRecord.SetParent p -> out.putLong(p.blob()).putLong(p.parent());
            case MdRecord.SetXattr x -> {
                byte[] k = x.key().getBytes(StandardCharsets.UTF_8);
                out.putLong(x.blob()).putShort(k.length).put(k);
                if (x.value() == null) {
                    out.putInt(-1);
                } else {
                    out.putInt(x.value().length).put(x.value());
                }
            }
            case MdRecord.HighWaterMark h -> out.putLong(h.hwm());
        }
        out.putIntAt(start, out.size() - start);
    }

    /** Encoded size of {@code r}. */
    public static int size(MdRecord r) {
        ByteSink s = new ByteSink(64);
        encode(r, s);
        return s.size();
    }

    /**
     * Decodes the record at {@code in}'s position, which must hold all of it; advances past it.
     * {@code where} (an LSN, a byte offset) goes into messages.
     */
    public static MdRecord decode(ByteBuffer in, String where) throws FormatException {
        int start = in.position();
        int length = in.getInt();
        int type = Short.toUnsignedInt(in.getShort());
        in.getShort();
        ByteBuffer body = in.slice(in.position(), length - HEADER).order(in.order());
        MdRecord r;
        try {
            r = switch (type) {
                case 1 -> new MdRecord.CreateBlob(BlobImage.decode(body));
                case 2 -> new MdRecord.Alloc(body.getLong(), body.getInt(), body.getInt());
                case 3 -> new MdRecord.Free(body.getLong(), body.getInt());
                case 4 -> {
                    long blob = body.getLong();
                    long size = body.getLong();
                    int n = body.getInt();
                    if (n < 0 || (long) n * Extent.BYTES > body.remaining()) {
                        throw new FormatException(
                                where + ": resize record of blob " + blob + " claims " + n + " extents");
                    }
                    List<Extent> added = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        added.add(new Extent(body.getInt(), body.getInt(), body.getInt()));
                    }
                    yield new MdRecord.Resize(blob, size, added);
                }
                case 5 -> {
                    long src = body.getLong();
                    long snap = body.getLong();
                    UUID u = Uuids.get(body);
                    SortedMap<String, byte[]> x = BlobImage.decodeXattrs(body, where);
                    yield new MdRecord.Snapshot(src, snap, u, x);
                }
                case 6 -> {
                    long snap = body.getLong();
                    long clone = body.getLong();
                    UUID u = Uuids.get(body);
                    long size = body.getLong();
                    SortedMap<String, byte[]> x = BlobImage.decodeXattrs(body, where);
                    yield new MdRecord.Clone(snap, clone, u, size, x);
                }
                case 7 -> new MdRecord.Delete(body.getLong());
                case 8 -> new MdRecord.Merge(body.getLong(), body.getLong());
                case 9 -> new MdRecord.SetParent(body.getLong(), body.getLong());
                case 10 -> {
                    long blob = body.getLong();
                    byte[] k = new byte[Short.toUnsignedInt(body.getShort())];
                    body.get(k);
                    int vl = body.getInt();
                    byte[] v = null;
                    if (vl >= 0) {
                        v = new byte[vl];
                        body.get(v);
                    }
                    yield new MdRecord.SetXattr(blob, new String(k, StandardCharsets.UTF_8), v);
                }
                case 11 -> new MdRecord.HighWaterMark(body.getLong());
                default -> throw new FormatException(where + ": unknown record type " + type);
            };
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new FormatException(where + ": record of type " + type + " is shorter than its fields");
        }
        if (body.hasRemaining()) {
            throw new FormatException(
                    where + ": record of type " + type + " has " + body.remaining() + " bytes after its fields");
        }
        in.position(start + length);
        return r;
    }

    private static void uuid(ByteSink out, UUID u) {
        out.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
    }
}
