package io.peregrine.nvmf.pdu;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The CRC32C digest of NVMe/TCP (TCP Transport 1.1, 3.6.2.x "Header and data digests"): the
 * Castagnoli CRC with the usual ~0 seed and final inversion, stored little-endian after the
 * header or the data. {@link CRC32C} is a JVM intrinsic (SSE4.2 / CLMUL), so this costs about as
 * much as reading the bytes once.
 *
 * <p>Not thread-safe: each connection owns one per direction. No method allocates: direct
 * buffers are fed through Netty's cached internal NIO view, heap buffers through their array.
 */
public final class Crc32c {
    /** Length of a digest on the wire. */
    public static final int LENGTH = 4;

    private final CRC32C crc = new CRC32C();

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
