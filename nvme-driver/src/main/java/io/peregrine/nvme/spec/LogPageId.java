package io.peregrine.nvme.spec;

/** Log Page Identifiers for Get Log Page, CDW10 bits 7:0 (NVMe Base 2.1). */
public enum LogPageId {
    SUPPORTED_LOG_PAGES(0x00, "Supported Log Pages"),
    ERROR_INFORMATION(0x01, "Error Information"),
    SMART_HEALTH(0x02, "SMART / Health Information"),
    FIRMWARE_SLOT(0x03, "Firmware Slot Information"),
    CHANGED_NAMESPACE_LIST(0x04, "Changed Namespace List"),
    COMMANDS_SUPPORTED_AND_EFFECTS(0x05, "Commands Supported and Effects"),
    DEVICE_SELF_TEST(0x06, "Device Self-test"),
    TELEMETRY_HOST_INITIATED(0x07, "Telemetry Host-Initiated"),
    TELEMETRY_CONTROLLER_INITIATED(0x08, "Telemetry Controller-Initiated"),
    ENDURANCE_GROUP_INFORMATION(0x09, "Endurance Group Information"),
    ASYMMETRIC_NAMESPACE_ACCESS(0x0C, "Asymmetric Namespace Access"),
    PERSISTENT_EVENT_LOG(0x0D, "Persistent Event Log"),
    DISCOVERY(0x70, "Discovery"),
    RESERVATION_NOTIFICATION(0x80, "Reservation Notification"),
    SANITIZE_STATUS(0x81, "Sanitize Status");

    private final int value;
    private final String specName;

    LogPageId(int value, String specName) {
        this.value = value;
        this.specName = specName;
    }

    public int value() {
        return value;
    }

    public String specName() {
        return specName;
    }

    /** The log page for an LID byte, or {@code null} when unknown. */
    public static LogPageId of(int lid) {
        for (LogPageId id : values()) {
            if (id.value == (lid & 0xff)) return id;
        }
        return null;
    }
}
