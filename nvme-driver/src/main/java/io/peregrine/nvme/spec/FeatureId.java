package io.peregrine.nvme.spec;

/** Feature Identifiers for Get/Set Features, CDW10 bits 7:0 (NVMe Base 2.1). */
public enum FeatureId {
    ARBITRATION(0x01, "Arbitration"),
    POWER_MANAGEMENT(0x02, "Power Management"),
    LBA_RANGE_TYPE(0x03, "LBA Range Type"),
    TEMPERATURE_THRESHOLD(0x04, "Temperature Threshold"),
    ERROR_RECOVERY(0x05, "Error Recovery"),
    VOLATILE_WRITE_CACHE(0x06, "Volatile Write Cache"),
    NUMBER_OF_QUEUES(0x07, "Number of Queues"),
    INTERRUPT_COALESCING(0x08, "Interrupt Coalescing"),
    INTERRUPT_VECTOR_CONFIGURATION(0x09, "Interrupt Vector Configuration"),
    WRITE_ATOMICITY_NORMAL(0x0A, "Write Atomicity Normal"),
    ASYNC_EVENT_CONFIGURATION(0x0B, "Asynchronous Event Configuration"),
    AUTONOMOUS_POWER_STATE_TRANSITION(0x0C, "Autonomous Power State Transition"),
    HOST_MEMORY_BUFFER(0x0D, "Host Memory Buffer"),
    TIMESTAMP(0x0E, "Timestamp"),
    KEEP_ALIVE_TIMER(0x0F, "Keep Alive Timer"),
    HOST_CONTROLLED_THERMAL_MANAGEMENT(0x10, "Host Controlled Thermal Management"),
    NON_OPERATIONAL_POWER_STATE_CONFIG(0x11, "Non-Operational Power State Config"),
    READ_RECOVERY_LEVEL_CONFIG(0x12, "Read Recovery Level Config"),
    PREDICTABLE_LATENCY_MODE_CONFIG(0x13, "Predictable Latency Mode Config"),
    PREDICTABLE_LATENCY_MODE_WINDOW(0x14, "Predictable Latency Mode Window"),
    HOST_BEHAVIOR_SUPPORT(0x16, "Host Behavior Support"),
    SANITIZE_CONFIG(0x17, "Sanitize Config"),
    ENDURANCE_GROUP_EVENT_CONFIGURATION(0x18, "Endurance Group Event Configuration"),
    IO_COMMAND_SET_PROFILE(0x19, "I/O Command Set Profile"),
    SPINUP_CONTROL(0x1A, "Spinup Control"),
    SOFTWARE_PROGRESS_MARKER(0x80, "Software Progress Marker"),
    HOST_IDENTIFIER(0x81, "Host Identifier"),
    RESERVATION_NOTIFICATION_MASK(0x82, "Reservation Notification Mask"),
    RESERVATION_PERSISTENCE(0x83, "Reservation Persistence"),
    NAMESPACE_WRITE_PROTECTION_CONFIG(0x84, "Namespace Write Protection Config");

    private final int value;
    private final String specName;

    FeatureId(int value, String specName) {
        this.value = value;
        this.specName = specName;
    }

    public int value() {
        return value;
    }

    public String specName() {
        return specName;
    }

    /** The feature for an FID byte, or {@code null} when unknown. */
    public static FeatureId of(int fid) {
        for (FeatureId id : values()) {
            if (id.value == (fid & 0xff)) return id;
        }
        return null;
    }
}
