package io.peregrine.dataplane.blob.format;

import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * A page of the metadata log ring (FORMAT.md §5). The log is a byte stream of records cut into
 * page payloads; page {@code lsn} lives at ring slot {@code lsn mod logPages}. A page counts only
 * if its magic, checksum and pool UUID are right and it carries the LSN its slot is expected to
 * hold, so stale pages from an earlier lap of the ring, or from an older pool, end the log.
 */
public final class LogPage {
    public static final int MAGIC = 0x474c4750; // "PGLG"
    public static final int HEADER = 40;
    public static final int PAYLOAD = MdPage.CRC_OFFSET - HEADER;

    private LogPage() {}

    /** A sealed page holding {@code length} payload bytes of {@code src} from {@code offset}. */
    public static ByteBuffer encode(UUID pool, long lsn, byte[] src, int offset, int length) {
        if (length > PAYLOAD) {
            throw new IllegalArgumentException("log page payload " + length + " > " + PAYLOAD);
        }
        ByteBuffer p = MdPage.allocate();
        p.putInt(0, MAGIC);
        p.putInt(4, length);
        p.putLong(8, lsn);
        Uuids.put(p, 16, pool);
        p.put(HEADER, src, offset, length);
        MdPage.seal(p);
        return p;
    }

    /** The LSN of a valid page of {@code pool}, or -1 for anything else. */
    public static long lsnOf(ByteBuffer page, UUID pool) {
        if (page.getInt(0) != MAGIC
                || !MdPage.valid(page)
                || !Uuids.get(page, 16).equals(pool)) {
            return -1;
        }
        int used = page.getInt(4);
        return used < 0 || used > PAYLOAD ? -1 : page.getLong(8);
    }

    /** Payload bytes used in a valid page. */
    public static int used(ByteBuffer page) {
        return page.getInt(4);
    }
}
