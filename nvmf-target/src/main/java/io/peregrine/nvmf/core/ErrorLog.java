package io.peregrine.nvmf.core;

import io.peregrine.nvme.spec.ErrorLogEntry;
import java.lang.foreign.MemorySegment;

/**
 * A controller's Error Information log (LID 01h): the last {@link #ENTRIES} failed commands,
 * newest first, each with a unique, increasing Error Count. Guarded by the owning controller.
 */
final class ErrorLog {
    /** ELPE + 1. */
    static final int ENTRIES = 64;

    private final long[] count = new long[ENTRIES];
    private final int[] sqid = new int[ENTRIES];
    private final int[] cid = new int[ENTRIES];
    private final int[] status = new int[ENTRIES];
    private final int[] location = new int[ENTRIES];
    private final int[] nsid = new int[ENTRIES];
    private long total;

    void record(int sqid, int cid, int statusField, int location, int nsid) {
        int slot = (int) (total % ENTRIES);
        total++;
        this.count[slot] = total;
        this.sqid[slot] = sqid;
        this.cid[slot] = cid;
        this.status[slot] = statusField;
        this.location[slot] = location;
        this.nsid[slot] = nsid;
    }

    long total() {
        return total;
    }

    /** Writes the log page, newest entry first, into {@code page} (ENTRIES x 64 bytes, zeroed). */
    void write(MemorySegment page) {
        int n = (int) Math.min(total, ENTRIES);
        for (int i = 0; i < n; i++) {
            int slot = (int) ((total - 1 - i) % ENTRIES);
            long base = i * ErrorLogEntry.SIZE;
            ErrorLogEntry.ERROR_COUNT.set(page, base, count[slot]);
            ErrorLogEntry.SQID.set(page, base, sqid[slot]);
            ErrorLogEntry.CID.set(page, base, cid[slot]);
            ErrorLogEntry.STATUS_FIELD.set(page, base, (status[slot] & 0x7fff) << 1);
            ErrorLogEntry.PARAMETER_ERROR_LOCATION.set(page, base, location[slot]);
            ErrorLogEntry.NSID.set(page, base, nsid[slot]);
            ErrorLogEntry.TRTYPE.set(page, base, 3); // TCP
        }
    }
}
