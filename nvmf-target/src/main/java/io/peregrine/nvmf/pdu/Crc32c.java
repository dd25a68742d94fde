package io.peregrine.nvmf.pdu;

import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The CRC32C digest of NVMe/TCP (TCP Transport 1.1, 3.6.2.x "Header and data digests"): the
 * Castagnoli CRC with the usual ~0 seed and final inversion, stored little-endian after the
 * header or the data. {@link CRC32C} is a JVM intrinsic (SSE4.2 / CLMUL), so this costs about as
 * much as reading the bytes once.
 *
 * <p>Not thread-safe: each connection owns one per direction. No method allocates: heap buffers
 * are fed through their array, headers through a copy, data through the buffer's cached internal
 * NIO view (our {@link io.peregrine.nvmf.buffer.IoBuffer}s and Netty's pooled buffers keep one).
 */
public final class Crc32c {
    /** Length of a digest on the wire. */
    public static final int LENGTH = 4;

    /** Headers are digested from a copy: a direct buffer's NIO view may cost an allocation. */
    private static final int SCRATCH = 256;

    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final CRC32C crc = new CRC32C();
    private final byte[] scratch = new byte[SCRATCH];

    /** Starts a new digest. */
    public Crc32c reset() {
        crc.reset();
        return this;
    }

    /** Adds {@code length} bytes of {@code buf} from {@code index}, without moving its indices. */
    public Crc32c update(ByteBuf buf, int index, int length) {
        if (length == 0) return this;
        if (buf.hasArray()) {
            crc.update(buf.array(), buf.arrayOffset() + index, length);
        } else if (length <= SCRATCH) {
            // PDU headers (24-128 bytes): absolute reads into a reused array never allocate
            int i = 0;
            for (; i + 8 <= length; i += 8) LONG_LE.set(scratch, i, buf.getLongLE(index + i));
            for (; i < length; i++) scratch[i] = buf.getByte(index + i);
            crc.update(scratch, 0, length);
        } else if (buf.nioBufferCount() == 1) {
            ByteBuffer view = buf.internalNioBuffer(index, length);
            crc.update(view);
        } else {
            // composite or otherwise fragmented: walk its components (rare; allocates views)
            for (ByteBuffer view : buf.nioBuffers(index, length)) crc.update(view);
        }
        return this;
    }

    /** The digest of everything added since the last {@link #reset()}. */
    public int value() {
        return (int) crc.getValue();
    }

    /** The digest of {@code length} bytes of {@code buf} from {@code index}. */
    public int digest(ByteBuf buf, int index, int length) {
        return reset().update(buf, index, length).value();
    }
}
