package io.peregrine.nvme.spec;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.math.BigInteger;

/**
 * One named field of an NVMe data structure, its offset taken from the structure's
 * {@link MemoryLayout} so the layout stays the single source of truth. Every field reads and
 * writes little-endian at any alignment, at the structure's start ({@code get(s)}) or at a base
 * offset inside a larger segment ({@code get(s, base)}).
 */
public sealed interface Field {

    /** The spec's (lower-case) field name, e.g. {@code "mdts"}. */
    String name();

    /** Byte offset inside the structure. */
    long offset();

    /** Field width in bytes. */
    long size();

    static U8 u8(MemoryLayout struct, String name) {
        return new U8(name, offsetOf(struct, name));
    }

    static U16 u16(MemoryLayout struct, String name) {
        return new U16(name, offsetOf(struct, name));
    }

    static U32 u32(MemoryLayout struct, String name) {
        return new U32(name, offsetOf(struct, name));
    }

    static U64 u64(MemoryLayout struct, String name) {
        return new U64(name, offsetOf(struct, name));
    }

    static U128 u128(MemoryLayout struct, String name) {
        return new U128(name, offsetOf(struct, name));
    }

    static Bytes bytes(MemoryLayout struct, String name) {
        return new Bytes(
                name, offsetOf(struct, name), struct.select(groupElement(name)).byteSize());
    }

    static Ascii ascii(MemoryLayout struct, String name) {
        return new Ascii(name, offsetOf(struct, name), (int)
                struct.select(groupElement(name)).byteSize());
    }

    static Utf8z utf8z(MemoryLayout struct, String name) {
        return new Utf8z(name, offsetOf(struct, name), (int)
                struct.select(groupElement(name)).byteSize());
    }

    private static long offsetOf(MemoryLayout struct, String name) {
        return struct.byteOffset(groupElement(name));
    }

    record U8(String name, long offset) implements Field {
        public long size() {
            return 1;
        }

        public int get(MemorySegment s) {
            return get(s, 0);
        }

        public int get(MemorySegment s, long base) {
            return s.get(Le.U8, base + offset) & 0xff;
        }

        public void set(MemorySegment s, int value) {
            set(s, 0, value);
        }

        public void set(MemorySegment s, long base, int value) {
            s.set(Le.U8, base + offset, (byte) value);
        }
    }

    record U16(String name, long offset) implements Field {
        public long size() {
            return 2;
        }

        public int get(MemorySegment s) {
            return get(s, 0);
        }

        public int get(MemorySegment s, long base) {
            return s.get(Le.U16, base + offset) & 0xffff;
        }

        public void set(MemorySegment s, int value) {
            set(s, 0, value);
        }

        public void set(MemorySegment s, long base, int value) {
            s.set(Le.U16, base + offset, (short) value);
        }
    }

    /** A 32-bit field; {@link #get} answers the raw bits, {@link #getUnsigned} the unsigned value. */
    record U32(String name, long offset) implements Field {
        public long size() {
            return 4;
        }

        public int get(MemorySegment s) {
            return get(s, 0);
        }

        public int get(MemorySegment s, long base) {
            return s.get(Le.U32, base + offset);
        }

        public long getUnsigned(MemorySegment s) {
            return get(s) & 0xffff_ffffL;
        }

        public void set(MemorySegment s, int value) {
            set(s, 0, value);
        }

        public void set(MemorySegment s, long base, int value) {
            s.set(Le.U32, base + offset, value);
        }
    }

    record U64(String name, long offset) implements Field {
        public long size() {
            return 8;
        }

        public long get(MemorySegment s) {
            return get(s, 0);
        }

        public long get(MemorySegment s, long base) {
            return s.get(Le.U64, base + offset);
        }

        public void set(MemorySegment s, long value) {
            set(s, 0, value);
        }

        public void set(MemorySegment s, long base, long value) {
            s.set(Le.U64, base + offset, value);
        }
    }

    /** An unsigned 128-bit counter or capacity. */
    record U128(String name, long offset) implements Field {
        public long size() {
            return 16;
        }

        public BigInteger get(MemorySegment s) {
            return Le.u128(s, offset);
        }

        /** The value, saturated to {@link Long#MAX_VALUE}: plenty for any counter a host reports. */
        public long getSaturated(MemorySegment s) {
            return Le.u128Saturated(s, offset);
        }

        public void set(MemorySegment s, BigInteger value) {
            Le.setU128(s, offset, value);
        }

        public void set(MemorySegment s, long unsignedValue) {
            Le.setU128(s, offset, unsignedValue);
        }
    }

    /** A fixed-size byte string (identifiers such as NGUID, EUI64, FGUID). */
    record Bytes(String name, long offset, long size) implements Field {
        public byte[] get(MemorySegment s) {
            return s.asSlice(offset, size).toArray(Le.U8);
        }

        public void set(MemorySegment s, byte[] value) {
            if (value.length != size) {
                throw new IllegalArgumentException(name + " is " + size + " bytes, got " + value.length);
            }
            MemorySegment.copy(value, 0, s, Le.U8, offset, value.length);
        }
    }

    /** A space-padded ASCII string (SN, MN, FR). */
    record Ascii(String name, long offset, int length) implements Field {
        public long size() {
            return length;
        }

        public String get(MemorySegment s) {
            return Le.ascii(s, offset, length);
        }

        public void set(MemorySegment s, String value) {
            Le.setAscii(s, offset, length, value);
        }
    }

    /** A NUL-terminated UTF-8 string (SUBNQN). */
    record Utf8z(String name, long offset, int length) implements Field {
        public long size() {
            return length;
        }

        public String get(MemorySegment s) {
            return Le.utf8z(s, offset, length);
        }

        public void set(MemorySegment s, String value) {
            Le.setUtf8z(s, offset, length, value);
        }
    }
}
