package io.peregrine.nvme.spec;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The value layouts every NVMe structure is built from: little-endian (the NVMe Base 2.1
 * conventions put every multi-byte field in little-endian order) and byte-aligned, so a structure can be read or written at any
 * offset of any {@link MemorySegment} — DMA memory, a network buffer, a heap array. On x86 an
 * unaligned little-endian access is an ordinary load, so this costs nothing.
 *
 * <p>Also the few field shapes Java has no primitive for: space-padded ASCII strings (SN, MN, FR),
 * NUL-padded UTF-8 strings (SUBNQN) and 128-bit counters (SMART/Health).
 */
public final class Le {

    public static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Le() {}

    /** {@code count} bytes: a byte array field (strings, identifiers, 128-bit values). */
    public static MemoryLayout bytes(long count) {
        return MemoryLayout.sequenceLayout(count, U8);
    }

    /** Reserved bytes; a padding layout keeps them out of the named fields. */
    public static MemoryLayout reserved(long count) {
        return MemoryLayout.paddingLayout(count);
    }

    public static int u8(MemorySegment s, long offset) {
        return s.get(U8, offset) & 0xff;
    }

    public static int u16(MemorySegment s, long offset) {
        return s.get(U16, offset) & 0xffff;
    }

    public static long u32(MemorySegment s, long offset) {
        return s.get(U32, offset) & 0xffff_ffffL;
    }

    /**
     * An ASCII field padded with spaces (NVMe Base 2.1): trailing spaces and NULs are
     * removed. Bytes outside printable ASCII become {@code '?'} so a broken device cannot inject
     * control characters into logs.
     */
    public static String ascii(MemorySegment s, long offset, int length) {
        byte[] raw = s.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
        int end = raw.length;
        while (end > 0 && (raw[end - 1] == ' ' || raw[end - 1] == 0)) end--;
        char[] chars = new char[end];
        for (int i = 0; i < end; i++) {
            int c = raw[i] & 0xff;
            chars[i] = c >= 0x20 && c < 0x7f ? (char) c : '?';
        }
        return new String(chars);
    }

    /** Writes {@code value} as a space-padded ASCII field; refuses values that do not fit or are not ASCII. */
    public static void setAscii(MemorySegment s, long offset, int length, String value) {
        byte[] raw = value.getBytes(StandardCharsets.US_ASCII);
        if (raw.length > length) {
            throw new IllegalArgumentException(
                    "'" + value + "' is " + raw.length + " bytes, the field holds " + length);
        }
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] < 0x20 || raw[i] == 0x7f || value.charAt(i) > 0x7f) {
                throw new IllegalArgumentException("'" + value + "' is not printable ASCII");
            }
        }
        MemorySegment field = s.asSlice(offset, length);
        field.fill((byte) ' ');
        MemorySegment.copy(raw, 0, field, ValueLayout.JAVA_BYTE, 0, raw.length);
    }

    /** A NUL-terminated (or NUL-padded) UTF-8 field such as SUBNQN. */
    public static String utf8z(MemorySegment s, long offset, int length) {
        byte[] raw = s.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
        int end = 0;
        while (end < raw.length && raw[end] != 0) end++;
        return new String(raw, 0, end, StandardCharsets.UTF_8);
    }

    /** Writes a NUL-padded UTF-8 field; at least one NUL must remain (NVMe Base 2.1: NQNs are NUL terminated). */
    public static void setUtf8z(MemorySegment s, long offset, int length, String value) {
        byte[] raw = value.getBytes(StandardCharsets.UTF_8);
        if (raw.length >= length) {
            throw new IllegalArgumentException("'" + value + "' is " + raw.length + " bytes of UTF-8, the field holds "
                    + (length - 1) + " and a terminating NUL");
        }
        MemorySegment field = s.asSlice(offset, length);
        field.fill((byte) 0);
        MemorySegment.copy(raw, 0, field, ValueLayout.JAVA_BYTE, 0, raw.length);
    }

    /** An unsigned 128-bit little-endian counter (SMART/Health log, TNVMCAP). */
    public static BigInteger u128(MemorySegment s, long offset) {
        long lo = s.get(U64, offset);
        long hi = s.get(U64, offset + 8);
        return new BigInteger(Long.toUnsignedString(hi)).shiftLeft(64).or(new BigInteger(Long.toUnsignedString(lo)));
    }

    /** The low 64 bits of a 128-bit counter, saturated to {@link Long#MAX_VALUE} when the high half is set. */
    public static long u128Saturated(MemorySegment s, long offset) {
        long lo = s.get(U64, offset);
        long hi = s.get(U64, offset + 8);
        return hi != 0 || lo < 0 ? Long.MAX_VALUE : lo;
    }

    public static void setU128(MemorySegment s, long offset, BigInteger value) {
        if (value.signum() < 0 || value.bitLength() > 128) {
            throw new IllegalArgumentException(value + " does not fit an unsigned 128-bit field");
        }
        s.set(U64, offset, value.longValue());
        s.set(U64, offset + 8, value.shiftRight(64).longValue());
    }

    public static void setU128(MemorySegment s, long offset, long unsignedLow) {
        s.set(U64, offset, unsignedLow);
        s.set(U64, offset + 8, 0L);
    }
}
