package io.peregrine.nvme.spec;

import static io.peregrine.nvme.spec.Le.U16;
import static io.peregrine.nvme.spec.Le.U32;
import static io.peregrine.nvme.spec.Le.U8;
import static io.peregrine.nvme.spec.Le.bytes;
import static io.peregrine.nvme.spec.Le.reserved;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.List;

/**
 * SMART / Health Information log page (LID 02h; NVMe Base 2.1, "SMART / Health Information"): 512
 * bytes. Counters are 128-bit; temperatures are Kelvin; data units are thousands of 512-byte
 * units, rounded up.
 */
public final class SmartHealthLog {

    public static final long SIZE = 512;

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                    U8.withName("cw"),
                    U16.withName("ctemp"),
                    U8.withName("avsp"),
                    U8.withName("avspt"),
                    U8.withName("pused"),
                    U8.withName("egcws"),
                    reserved(25),
                    bytes(16).withName("dur"),
                    bytes(16).withName("duw"),
                    bytes(16).withName("hrc"),
                    bytes(16).withName("hwc"),
                    bytes(16).withName("cbt"),
                    bytes(16).withName("pwrc"),
                    bytes(16).withName("poh"),
                    bytes(16).withName("upl"),
                    bytes(16).withName("mdie"),
                    bytes(16).withName("neile"),
                    U32.withName("wctt"),
                    U32.withName("cctt"),
                    MemoryLayout.sequenceLayout(8, U16).withName("tsen"),
                    U32.withName("tmt1tc"),
                    U32.withName("tmt2tc"),
                    U32.withName("ttftmt1"),
                    U32.withName("ttftmt2"),
                    reserved(280))
            .withName("nvme_smart_log");

    /** Critical Warning bits; see {@code CW_*}. */
    public static final Field.U8 CRITICAL_WARNING = Field.u8(LAYOUT, "cw");
    /** Composite Temperature, Kelvin. */
    public static final Field.U16 COMPOSITE_TEMPERATURE = Field.u16(LAYOUT, "ctemp");
    /** Available Spare, percent. */
    public static final Field.U8 AVAILABLE_SPARE = Field.u8(LAYOUT, "avsp");

    public static final Field.U8 AVAILABLE_SPARE_THRESHOLD = Field.u8(LAYOUT, "avspt");
    /** Percentage Used (may exceed 100, saturates at 255). */
    public static final Field.U8 PERCENTAGE_USED = Field.u8(LAYOUT, "pused");

    public static final Field.U8 ENDURANCE_GROUP_CRITICAL_WARNING_SUMMARY = Field.u8(LAYOUT, "egcws");
    public static final Field.U128 DATA_UNITS_READ = Field.u128(LAYOUT, "dur");
    public static final Field.U128 DATA_UNITS_WRITTEN = Field.u128(LAYOUT, "duw");
    public static final Field.U128 HOST_READ_COMMANDS = Field.u128(LAYOUT, "hrc");
    public static final Field.U128 HOST_WRITE_COMMANDS = Field.u128(LAYOUT, "hwc");
    /** Controller Busy Time, minutes. */
    public static final Field.U128 CONTROLLER_BUSY_TIME = Field.u128(LAYOUT, "cbt");

    public static final Field.U128 POWER_CYCLES = Field.u128(LAYOUT, "pwrc");
    public static final Field.U128 POWER_ON_HOURS = Field.u128(LAYOUT, "poh");
    public static final Field.U128 UNSAFE_SHUTDOWNS = Field.u128(LAYOUT, "upl");
    public static final Field.U128 MEDIA_AND_DATA_INTEGRITY_ERRORS = Field.u128(LAYOUT, "mdie");
    public static final Field.U128 ERROR_LOG_ENTRIES = Field.u128(LAYOUT, "neile");
    /** Warning Composite Temperature Time, minutes. */
    public static final Field.U32 WARNING_TEMPERATURE_TIME = Field.u32(LAYOUT, "wctt");
    /** Critical Composite Temperature Time, minutes. */
    public static final Field.U32 CRITICAL_TEMPERATURE_TIME = Field.u32(LAYOUT, "cctt");
    /** Temperature Sensors 1-8 (8 × 16 bits, Kelvin, 0 = not implemented). */
    public static final Field.Bytes TEMPERATURE_SENSORS = Field.bytes(LAYOUT, "tsen");

    public static final Field.U32 THERMAL_MGMT_TEMP1_TRANSITIONS = Field.u32(LAYOUT, "tmt1tc");
    public static final Field.U32 THERMAL_MGMT_TEMP2_TRANSITIONS = Field.u32(LAYOUT, "tmt2tc");
    public static final Field.U32 THERMAL_MGMT_TEMP1_TIME = Field.u32(LAYOUT, "ttftmt1");
    public static final Field.U32 THERMAL_MGMT_TEMP2_TIME = Field.u32(LAYOUT, "ttftmt2");

    public static final List<Field> FIELDS = List.of(
            CRITICAL_WARNING,
            COMPOSITE_TEMPERATURE,
            AVAILABLE_SPARE,
            AVAILABLE_SPARE_THRESHOLD,
            PERCENTAGE_USED,
            ENDURANCE_GROUP_CRITICAL_WARNING_SUMMARY,
            DATA_UNITS_READ,
            DATA_UNITS_WRITTEN,
            HOST_READ_COMMANDS,
            HOST_WRITE_COMMANDS,
            CONTROLLER_BUSY_TIME,
            POWER_CYCLES,
            POWER_ON_HOURS,
            UNSAFE_SHUTDOWNS,
            MEDIA_AND_DATA_INTEGRITY_ERRORS,
            ERROR_LOG_ENTRIES,
            WARNING_TEMPERATURE_TIME,
            CRITICAL_TEMPERATURE_TIME,
            TEMPERATURE_SENSORS,
            THERMAL_MGMT_TEMP1_TRANSITIONS,
            THERMAL_MGMT_TEMP2_TRANSITIONS,
            THERMAL_MGMT_TEMP1_TIME,
            THERMAL_MGMT_TEMP2_TIME);

    // Critical Warning bits
    public static final int CW_SPARE_BELOW_THRESHOLD = 1;
    public static final int CW_TEMPERATURE = 1 << 1;
    public static final int CW_RELIABILITY_DEGRADED = 1 << 2;
    public static final int CW_READ_ONLY = 1 << 3;
    public static final int CW_VOLATILE_BACKUP_FAILED = 1 << 4;
    public static final int CW_PMR_READ_ONLY = 1 << 5;

    /** Temperature sensor {@code n} (1-8), Kelvin; 0 when not implemented. */
    public static int temperatureSensor(MemorySegment log, int n) {
        if (n < 1 || n > 8) throw new IllegalArgumentException("temperature sensors are 1-8, got " + n);
        return Le.u16(log, TEMPERATURE_SENSORS.offset() + 2L * (n - 1));
    }

    /**
     * Data Units (thousands of 512-byte units, rounded up) for a byte count, as a controller
     * reports them: 1 for 1-512,000 bytes, 0 only for 0.
     */
    public static long dataUnits(long bytes) {
        long units512 = (bytes + 511) / 512;
        return (units512 + 999) / 1000;
    }

    private SmartHealthLog() {}
}
