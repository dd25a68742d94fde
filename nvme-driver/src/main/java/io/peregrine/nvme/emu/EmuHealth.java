package io.peregrine.nvme.emu;

import io.peregrine.nvme.spec.ErrorLogEntry;
import io.peregrine.nvme.spec.SmartHealthLog;
import java.lang.foreign.MemorySegment;

/**
 * The model's SMART / Health counters and its Error Information log (a ring of the newest
 * {@link #ERROR_ENTRIES} entries). Written by the model's thread, read into log pages there too.
 */
final class EmuHealth {

    static final int ERROR_ENTRIES = 64;
    /** 300 K: a comfortable 27 °C. */
    static final int TEMPERATURE_KELVIN = 300;

    private final long startNanos = System.nanoTime();
    long bytesRead;
    long bytesWritten;
    long readCommands;
    long writeCommands;
    long mediaErrors;
    long busyNanos;
    long unsafeShutdowns;
    private long errorCount;
    private final long[][] errors = new long[ERROR_ENTRIES][];
    private int newest = -1;

    /** Records an error entry: {errcnt, sqid, cid, status field, lba, nsid}. */
    void logError(int sqid, int cid, int statusField, long lba, int nsid) {
        newest = (newest + 1) % ERROR_ENTRIES;
        errors[newest] = new long[] {++errorCount, sqid, cid, statusField, lba, nsid};
    }

    long errorCount() {
        return errorCount;
    }

    void writeSmart(MemorySegment log) {
        log.fill((byte) 0);
        SmartHealthLog.COMPOSITE_TEMPERATURE.set(log, TEMPERATURE_KELVIN);
        SmartHealthLog.AVAILABLE_SPARE.set(log, 100);
        SmartHealthLog.AVAILABLE_SPARE_THRESHOLD.set(log, 10);
        SmartHealthLog.PERCENTAGE_USED.set(log, 0);
        SmartHealthLog.DATA_UNITS_READ.set(log, SmartHealthLog.dataUnits(bytesRead));
        SmartHealthLog.DATA_UNITS_WRITTEN.set(log, SmartHealthLog.dataUnits(bytesWritten));
        SmartHealthLog.HOST_READ_COMMANDS.set(log, readCommands);
        SmartHealthLog.HOST_WRITE_COMMANDS.set(log, writeCommands);
        SmartHealthLog.CONTROLLER_BUSY_TIME.set(log, busyNanos / 60_000_000_000L);
        SmartHealthLog.POWER_CYCLES.set(log, 1);
        SmartHealthLog.POWER_ON_HOURS.set(log, (System.nanoTime() - startNanos) / 3_600_000_000_000L);
        SmartHealthLog.UNSAFE_SHUTDOWNS.set(log, unsafeShutdowns);
        SmartHealthLog.MEDIA_AND_DATA_INTEGRITY_ERRORS.set(log, mediaErrors);
        SmartHealthLog.ERROR_LOG_ENTRIES.set(log, errorCount);
        log.set(io.peregrine.nvme.spec.Le.U16, SmartHealthLog.TEMPERATURE_SENSORS.offset(), (short) TEMPERATURE_KELVIN);
    }

    /** Writes the error log, newest first, into {@code log} ({@link #ERROR_ENTRIES} × 64 bytes). */
    void writeErrors(MemorySegment log) {
        log.fill((byte) 0);
        for (int i = 0;
                i < ERROR_ENTRIES && errors[(newest - i + ERROR_ENTRIES) % ERROR_ENTRIES] != null && newest >= 0;
                i++) {
            long[] e = errors[(newest - i + ERROR_ENTRIES) % ERROR_ENTRIES];
            long base = i * ErrorLogEntry.SIZE;
            ErrorLogEntry.ERROR_COUNT.set(log, base, e[0]);
            ErrorLogEntry.SQID.set(log, base, (int) e[1]);
            ErrorLogEntry.CID.set(log, base, (int) e[2]);
            ErrorLogEntry.STATUS_FIELD.set(log, base, (int) (e[3] << 1));
            ErrorLogEntry.PARAMETER_ERROR_LOCATION.set(log, base, 0xffff);
            ErrorLogEntry.LBA.set(log, base, e[4]);
            ErrorLogEntry.NSID.set(log, base, (int) e[5]);
        }
    }
}
