package io.peregrine.nvme.driver;

import io.peregrine.nvme.spec.SmartHealthLog;
import java.lang.foreign.MemorySegment;

/**
 * The SMART / Health Information log page (02h), decoded. Counters saturate at
 * {@link Long#MAX_VALUE}; data units are thousands of 512-byte units, as the spec reports them.
 */
public record SmartHealth(
        int criticalWarning,
        int temperatureKelvin,
        int availableSparePercent,
        int availableSpareThresholdPercent,
        int percentageUsed,
        long dataUnitsRead,
        long dataUnitsWritten,
        long hostReadCommands,
        long hostWriteCommands,
        long controllerBusyMinutes,
        long powerCycles,
        long powerOnHours,
        long unsafeShutdowns,
        long mediaErrors,
        long errorLogEntries) {

    static SmartHealth parse(MemorySegment log) {
        return new SmartHealth(
                SmartHealthLog.CRITICAL_WARNING.get(log),
                SmartHealthLog.COMPOSITE_TEMPERATURE.get(log),
                SmartHealthLog.AVAILABLE_SPARE.get(log),
                SmartHealthLog.AVAILABLE_SPARE_THRESHOLD.get(log),
                SmartHealthLog.PERCENTAGE_USED.get(log),
                SmartHealthLog.DATA_UNITS_READ.getSaturated(log),
                SmartHealthLog.DATA_UNITS_WRITTEN.getSaturated(log),
                SmartHealthLog.HOST_READ_COMMANDS.getSaturated(log),
                SmartHealthLog.HOST_WRITE_COMMANDS.getSaturated(log),
                SmartHealthLog.CONTROLLER_BUSY_TIME.getSaturated(log),
                SmartHealthLog.POWER_CYCLES.getSaturated(log),
                SmartHealthLog.POWER_ON_HOURS.getSaturated(log),
                SmartHealthLog.UNSAFE_SHUTDOWNS.getSaturated(log),
                SmartHealthLog.MEDIA_AND_DATA_INTEGRITY_ERRORS.getSaturated(log),
                SmartHealthLog.ERROR_LOG_ENTRIES.getSaturated(log));
    }

    public int temperatureCelsius() {
        return temperatureKelvin - 273;
    }
}
