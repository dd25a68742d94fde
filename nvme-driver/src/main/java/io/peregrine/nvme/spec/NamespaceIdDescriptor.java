package io.peregrine.nvme.spec;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * One Namespace Identification Descriptor (Identify CNS 03h answers a 4096-byte list of them;
 * NVMe Base 2.1, "Namespace Identification Descriptor"): NIDT (byte 0), NIDL (byte 1), two reserved
 * bytes, then NIDL bytes of identifier. The list ends at the first descriptor whose NIDL is 0.
 */
public record NamespaceIdDescriptor(Type type, byte[] id) {

    public static final long LIST_SIZE = 4096;
    public static final long HEADER_SIZE = 4;

    /** Namespace Identifier Type and the length its identifier must have. */
    public enum Type {
        EUI64(0x1, 8),
        NGUID(0x2, 16),
        UUID(0x3, 16),
        CSI(0x4, 1);

        private final int nidt;
        private final int length;

        Type(int nidt, int length) {
            this.nidt = nidt;
            this.length = length;
        }

        public int nidt() {
            return nidt;
        }

        public int length() {
            return length;
        }

        public static Type of(int nidt) {
            for (Type t : values()) {
                if (t.nidt == nidt) return t;
            }
            return null;
        }
    }

    public NamespaceIdDescriptor {
        id = id.clone();
        if (id.length != type.length()) {
            throw new IllegalArgumentException(type + " identifiers are " + type.length() + " bytes, got " + id.length);
        }
    }

    public static NamespaceIdDescriptor uuid(UUID uuid) {
        byte[] raw = new byte[16];
        // RFC 4122 byte order: most significant byte first
        for (int i = 0; i < 8; i++) {
            raw[i] = (byte) (uuid.getMostSignificantBits() >>> (56 - 8 * i));
            raw[8 + i] = (byte) (uuid.getLeastSignificantBits() >>> (56 - 8 * i));
        }
        return new NamespaceIdDescriptor(Type.UUID, raw);
    }

    public static NamespaceIdDescriptor nguid(byte[] nguid) {
        return new NamespaceIdDescriptor(Type.NGUID, nguid);
    }

    public static NamespaceIdDescriptor eui64(byte[] eui64) {
        return new NamespaceIdDescriptor(Type.EUI64, eui64);
    }

    public static NamespaceIdDescriptor csi(int csi) {
        return new NamespaceIdDescriptor(Type.CSI, new byte[] {(byte) csi});
    }

    @Override
    public byte[] id() {
        return id.clone();
    }

    /** The UUID, when this descriptor is one. */
    public UUID asUuid() {
        if (type != Type.UUID) throw new IllegalStateException(type + " is not a UUID");
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (id[i] & 0xff);
            lsb = (lsb << 8) | (id[8 + i] & 0xff);
        }
        return new UUID(msb, lsb);
    }

    /**
     * Reads a descriptor list. Descriptors of a type this code does not know are skipped by their
     * NIDL, as the spec requires of a host; a descriptor running past the list is an error.
     */
    public static List<NamespaceIdDescriptor> parseList(MemorySegment list) {
        List<NamespaceIdDescriptor> result = new ArrayList<>();
        long offset = 0;
        long end = Math.min(list.byteSize(), LIST_SIZE);
        while (offset + HEADER_SIZE <= end) {
            int nidt = Le.u8(list, offset);
            int nidl = Le.u8(list, offset + 1);
            if (nidl == 0) break;
            if (offset + HEADER_SIZE + nidl > end) {
                throw new IllegalArgumentException("namespace identification descriptor at byte " + offset + " claims "
                        + nidl + " bytes, past the end of the list");
            }
            Type type = Type.of(nidt);
            if (type != null) {
                if (nidl != type.length()) {
                    throw new IllegalArgumentException("namespace identification descriptor at byte " + offset + ": "
                            + type + " must be " + type.length() + " bytes, NIDL says " + nidl);
                }
                byte[] id = list.asSlice(offset + HEADER_SIZE, nidl).toArray(Le.U8);
                result.add(new NamespaceIdDescriptor(type, id));
            }
            offset += HEADER_SIZE + nidl;
        }
        return result;
    }

    /** Writes {@code descriptors} as a zero-terminated list into a 4096-byte segment. */
    public static void writeList(MemorySegment list, List<NamespaceIdDescriptor> descriptors) {
        long size = Math.min(list.byteSize(), LIST_SIZE);
        list.asSlice(0, size).fill((byte) 0);
        long offset = 0;
        for (NamespaceIdDescriptor d : descriptors) {
            long next = offset + HEADER_SIZE + d.id.length;
            if (next > size) throw new IllegalArgumentException("descriptors do not fit in " + size + " bytes");
            list.set(Le.U8, offset, (byte) d.type.nidt());
            list.set(Le.U8, offset + 1, (byte) d.id.length);
            MemorySegment.copy(d.id, 0, list, Le.U8, offset + HEADER_SIZE, d.id.length);
            offset = next;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NamespaceIdDescriptor other && type == other.type && Arrays.equals(id, other.id);
    }

    @Override
    public int hashCode() {
        return 31 * type.hashCode() + Arrays.hashCode(id);
    }

    @Override
    public String toString() {
        return type == Type.UUID
                ? "UUID " + asUuid()
                : type + " " + HexFormat.of().formatHex(id);
    }
}
