package io.peregrine.nvmf.pdu;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Allocation-free copies between Netty buffers and memory segments for small fixed blocks. */
public final class Bytes {
    private static final ValueLayout.OfLong LONG_LE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Bytes() {}

    /** Appends {@code length} (a multiple of 8) bytes of {@code src} from {@code offset}. */
    public static void write(ByteBuf out, MemorySegment src, long offset, int length) {
        for (int i = 0; i < length; i += 8) out.writeLongLE(src.get(LONG_LE, offset + i));
    }

    /** Copies {@code length} (a multiple of 8) bytes of {@code buf} at {@code index} into {@code dst}. */
    public static void read(ByteBuf buf, int index, MemorySegment dst, long offset, int length) {
        for (int i = 0; i < length; i += 8) dst.set(LONG_LE, offset + i, buf.getLongLE(index + i));
    }

    /** A heap copy of {@code length} bytes at {@code index}, for the record (non data-path) view. */
    public static byte[] copy(ByteBuf buf, int index, int length) {
        byte[] bytes = new byte[length];
        buf.getBytes(index, bytes);
        return bytes;
    }
}
