package io.peregrine.dataplane.blob.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The 4 KiB metadata page every on-disk structure is built from (FORMAT.md §2): little-endian
 * fields, and a CRC32C of bytes [0, 4092) stored in the last four bytes. A page whose checksum
 * does not match was torn by a crash or damaged, and is treated as absent.
 */
public final class MdPage {
    public static final int SIZE = 4096;
    public static final int CRC_OFFSET = SIZE - 4;

    private MdPage() {}

    /** A zeroed little-endian page buffer. */
    public static ByteBuffer allocate() {
        return ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Stores the page's checksum; call after every other field is written. */
    public static void seal(ByteBuffer page) {
        page.putInt(CRC_OFFSET, crc(page));
    }

    /** True when the stored checksum matches the contents. */
    public static boolean valid(ByteBuffer page) {
        return page.getInt(CRC_OFFSET) == crc(page);
    }

    private static int crc(ByteBuffer page) {
        CRC32C c = new CRC32C();
        c.update(page.array(), page.arrayOffset(), CRC_OFFSET);
        return (int) c.getValue();
    }

    /** CRC32C of a byte range, as stored in checkpoint headers. */
    public static int crc(byte[] bytes, int offset, int length) {
        CRC32C c = new CRC32C();
        c.update(bytes, offset, length);
        return (int) c.getValue();
    }
}
