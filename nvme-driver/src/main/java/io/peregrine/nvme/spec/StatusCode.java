package io.peregrine.nvme.spec;

import java.util.HashMap;
import java.util.Map;

/**
 * Every status code Peregrine produces or interprets, with the spec's name: SCT + SC (NVMe Base
 * 2.1; NVM Command Set 1.1; NVMe over Fabrics statuses of Base 2.1
 * for Connect and Authentication).
 *
 * <p>Command Specific codes mean different things for different commands: 80h is "Conflicting
 * Attributes" for Dataset Management but "Connect Incompatible Format" for a Fabrics Connect.
 * {@link #of(int, int)} answers with the non-Fabrics meaning; {@link #ofFabrics(int, int)}
 * prefers the Fabrics one.
 */
public enum StatusCode {
    // ---- Generic Command Status (SCT 0h)
    SUCCESS(0x0, 0x00, "Successful Completion"),
    INVALID_OPCODE(0x0, 0x01, "Invalid Command Opcode"),
    INVALID_FIELD(0x0, 0x02, "Invalid Field in Command"),
    COMMAND_ID_CONFLICT(0x0, 0x03, "Command ID Conflict"),
    DATA_TRANSFER_ERROR(0x0, 0x04, "Data Transfer Error"),
    ABORTED_POWER_LOSS(0x0, 0x05, "Commands Aborted due to Power Loss Notification"),
    INTERNAL_ERROR(0x0, 0x06, "Internal Error"),
    ABORT_REQUESTED(0x0, 0x07, "Command Abort Requested"),
    ABORTED_SQ_DELETION(0x0, 0x08, "Command Aborted due to SQ Deletion"),
    ABORTED_FAILED_FUSED(0x0, 0x09, "Command Aborted due to Failed Fused Command"),
    ABORTED_MISSING_FUSED(0x0, 0x0A, "Command Aborted due to Missing Fused Command"),
    INVALID_NAMESPACE_OR_FORMAT(0x0, 0x0B, "Invalid Namespace or Format"),
    COMMAND_SEQUENCE_ERROR(0x0, 0x0C, "Command Sequence Error"),
    INVALID_SGL_SEGMENT_DESCRIPTOR(0x0, 0x0D, "Invalid SGL Segment Descriptor"),
    INVALID_SGL_DESCRIPTOR_COUNT(0x0, 0x0E, "Invalid Number of SGL Descriptors"),
    DATA_SGL_LENGTH_INVALID(0x0, 0x0F, "Data SGL Length Invalid"),
    METADATA_SGL_LENGTH_INVALID(0x0, 0x10, "Metadata SGL Length Invalid"),
    SGL_DESCRIPTOR_TYPE_INVALID(0x0, 0x11, "SGL Descriptor Type Invalid"),
    INVALID_CMB_USE(0x0, 0x12, "Invalid Use of Controller Memory Buffer"),
    PRP_OFFSET_INVALID(0x0, 0x13, "PRP Offset Invalid"),
    ATOMIC_WRITE_UNIT_EXCEEDED(0x0, 0x14, "Atomic Write Unit Exceeded"),
    OPERATION_DENIED(0x0, 0x15, "Operation Denied"),
    SGL_OFFSET_INVALID(0x0, 0x16, "SGL Offset Invalid"),
    HOST_IDENTIFIER_INCONSISTENT_FORMAT(0x0, 0x18, "Host Identifier Inconsistent Format"),
    KEEP_ALIVE_TIMER_EXPIRED(0x0, 0x19, "Keep Alive Timer Expired"),
    KEEP_ALIVE_TIMEOUT_INVALID(0x0, 0x1A, "Keep Alive Timeout Invalid"),
    ABORTED_PREEMPT_AND_ABORT(0x0, 0x1B, "Command Aborted due to Preempt and Abort"),
    SANITIZE_FAILED(0x0, 0x1C, "Sanitize Failed"),
    SANITIZE_IN_PROGRESS(0x0, 0x1D, "Sanitize In Progress"),
    SGL_DATA_BLOCK_GRANULARITY_INVALID(0x0, 0x1E, "SGL Data Block Granularity Invalid"),
    NOT_SUPPORTED_FOR_QUEUE_IN_CMB(0x0, 0x1F, "Command Not Supported for Queue in CMB"),
    NAMESPACE_WRITE_PROTECTED(0x0, 0x20, "Namespace is Write Protected"),
    COMMAND_INTERRUPTED(0x0, 0x21, "Command Interrupted"),
    TRANSIENT_TRANSPORT_ERROR(0x0, 0x22, "Transient Transport Error"),
    PROHIBITED_BY_LOCKDOWN(0x0, 0x23, "Command Prohibited by Command and Feature Lockdown"),
    ADMIN_COMMAND_MEDIA_NOT_READY(0x0, 0x24, "Admin Command Media Not Ready"),
    // NVM Command Set generic statuses (80h-BFh), NVM Command Set 1.1
    LBA_OUT_OF_RANGE(0x0, 0x80, "LBA Out of Range"),
    CAPACITY_EXCEEDED(0x0, 0x81, "Capacity Exceeded"),
    NAMESPACE_NOT_READY(0x0, 0x82, "Namespace Not Ready"),
    RESERVATION_CONFLICT(0x0, 0x83, "Reservation Conflict"),
    FORMAT_IN_PROGRESS(0x0, 0x84, "Format In Progress"),

    // ---- Command Specific Status (SCT 1h)
    COMPLETION_QUEUE_INVALID(0x1, 0x00, "Completion Queue Invalid"),
    INVALID_QUEUE_IDENTIFIER(0x1, 0x01, "Invalid Queue Identifier"),
    INVALID_QUEUE_SIZE(0x1, 0x02, "Invalid Queue Size"),
    ABORT_COMMAND_LIMIT_EXCEEDED(0x1, 0x03, "Abort Command Limit Exceeded"),
    ASYNC_EVENT_REQUEST_LIMIT_EXCEEDED(0x1, 0x05, "Asynchronous Event Request Limit Exceeded"),
    INVALID_FIRMWARE_SLOT(0x1, 0x06, "Invalid Firmware Slot"),
    INVALID_FIRMWARE_IMAGE(0x1, 0x07, "Invalid Firmware Image"),
    INVALID_INTERRUPT_VECTOR(0x1, 0x08, "Invalid Interrupt Vector"),
    INVALID_LOG_PAGE(0x1, 0x09, "Invalid Log Page"),
    INVALID_FORMAT(0x1, 0x0A, "Invalid Format"),
    FIRMWARE_REQUIRES_CONVENTIONAL_RESET(0x1, 0x0B, "Firmware Activation Requires Conventional Reset"),
    INVALID_QUEUE_DELETION(0x1, 0x0C, "Invalid Queue Deletion"),
    FEATURE_NOT_SAVEABLE(0x1, 0x0D, "Feature Identifier Not Saveable"),
    FEATURE_NOT_CHANGEABLE(0x1, 0x0E, "Feature Not Changeable"),
    FEATURE_NOT_NAMESPACE_SPECIFIC(0x1, 0x0F, "Feature Not Namespace Specific"),
    FIRMWARE_REQUIRES_NVM_SUBSYSTEM_RESET(0x1, 0x10, "Firmware Activation Requires NVM Subsystem Reset"),
    FIRMWARE_REQUIRES_CONTROLLER_RESET(0x1, 0x11, "Firmware Activation Requires Controller Level Reset"),
    FIRMWARE_REQUIRES_MAX_TIME_VIOLATION(0x1, 0x12, "Firmware Activation Requires Maximum Time Violation"),
    FIRMWARE_ACTIVATION_PROHIBITED(0x1, 0x13, "Firmware Activation Prohibited"),
    OVERLAPPING_RANGE(0x1, 0x14, "Overlapping Range"),
    NAMESPACE_INSUFFICIENT_CAPACITY(0x1, 0x15, "Namespace Insufficient Capacity"),
    NAMESPACE_IDENTIFIER_UNAVAILABLE(0x1, 0x16, "Namespace Identifier Unavailable"),
    NAMESPACE_ALREADY_ATTACHED(0x1, 0x18, "Namespace Already Attached"),
    NAMESPACE_IS_PRIVATE(0x1, 0x19, "Namespace Is Private"),
    NAMESPACE_NOT_ATTACHED(0x1, 0x1A, "Namespace Not Attached"),
    THIN_PROVISIONING_NOT_SUPPORTED(0x1, 0x1B, "Thin Provisioning Not Supported"),
    CONTROLLER_LIST_INVALID(0x1, 0x1C, "Controller List Invalid"),
    DEVICE_SELF_TEST_IN_PROGRESS(0x1, 0x1D, "Device Self-test In Progress"),
    BOOT_PARTITION_WRITE_PROHIBITED(0x1, 0x1E, "Boot Partition Write Prohibited"),
    INVALID_CONTROLLER_IDENTIFIER(0x1, 0x1F, "Invalid Controller Identifier"),
    INVALID_SECONDARY_CONTROLLER_STATE(0x1, 0x20, "Invalid Secondary Controller State"),
    INVALID_CONTROLLER_RESOURCE_COUNT(0x1, 0x21, "Invalid Number of Controller Resources"),
    INVALID_RESOURCE_IDENTIFIER(0x1, 0x22, "Invalid Resource Identifier"),
    SANITIZE_PROHIBITED_PMR_ENABLED(0x1, 0x23, "Sanitize Prohibited While Persistent Memory Region is Enabled"),
    ANA_GROUP_IDENTIFIER_INVALID(0x1, 0x24, "ANA Group Identifier Invalid"),
    ANA_ATTACH_FAILED(0x1, 0x25, "ANA Attach Failed"),
    INSUFFICIENT_CAPACITY(0x1, 0x26, "Insufficient Capacity"),
    NAMESPACE_ATTACHMENT_LIMIT_EXCEEDED(0x1, 0x27, "Namespace Attachment Limit Exceeded"),
    PROHIBITION_NOT_SUPPORTED(0x1, 0x28, "Prohibition of Command Execution Not Supported"),
    IO_COMMAND_SET_NOT_SUPPORTED(0x1, 0x29, "I/O Command Set Not Supported"),
    IO_COMMAND_SET_NOT_ENABLED(0x1, 0x2A, "I/O Command Set Not Enabled"),
    IO_COMMAND_SET_COMBINATION_REJECTED(0x1, 0x2B, "I/O Command Set Combination Rejected"),
    INVALID_IO_COMMAND_SET(0x1, 0x2C, "Invalid I/O Command Set"),
    IDENTIFIER_UNAVAILABLE(0x1, 0x2D, "Identifier Unavailable"),
    // NVM Command Set command specific (80h-BFh), NVM Command Set 1.1
    CONFLICTING_ATTRIBUTES(0x1, 0x80, "Conflicting Attributes"),
    INVALID_PROTECTION_INFORMATION(0x1, 0x81, "Invalid Protection Information"),
    WRITE_TO_READ_ONLY_RANGE(0x1, 0x82, "Attempted Write to Read Only Range"),
    COMMAND_SIZE_LIMIT_EXCEEDED(0x1, 0x83, "Command Size Limit Exceeded"),
    // Fabrics command specific (Connect, Authentication)
    CONNECT_INCOMPATIBLE_FORMAT(0x1, 0x80, "Connect Incompatible Format", true),
    CONNECT_CONTROLLER_BUSY(0x1, 0x81, "Connect Controller Busy", true),
    CONNECT_INVALID_PARAMETERS(0x1, 0x82, "Connect Invalid Parameters", true),
    CONNECT_RESTART_DISCOVERY(0x1, 0x83, "Connect Restart Discovery", true),
    CONNECT_INVALID_HOST(0x1, 0x84, "Connect Invalid Host", true),
    INVALID_QUEUE_TYPE(0x1, 0x85, "Invalid Queue Type", true),
    DISCOVER_RESTART(0x1, 0x90, "Discover Restart", true),
    AUTHENTICATION_REQUIRED(0x1, 0x91, "Authentication Required", true),

    // ---- Media and Data Integrity Errors (SCT 2h), NVM Command Set 1.1
    WRITE_FAULT(0x2, 0x80, "Write Fault"),
    UNRECOVERED_READ_ERROR(0x2, 0x81, "Unrecovered Read Error"),
    END_TO_END_GUARD_CHECK_ERROR(0x2, 0x82, "End-to-end Guard Check Error"),
    END_TO_END_APPLICATION_TAG_CHECK_ERROR(0x2, 0x83, "End-to-end Application Tag Check Error"),
    END_TO_END_REFERENCE_TAG_CHECK_ERROR(0x2, 0x84, "End-to-end Reference Tag Check Error"),
    COMPARE_FAILURE(0x2, 0x85, "Compare Failure"),
    ACCESS_DENIED(0x2, 0x86, "Access Denied"),
    DEALLOCATED_OR_UNWRITTEN_LOGICAL_BLOCK(0x2, 0x87, "Deallocated or Unwritten Logical Block"),
    END_TO_END_STORAGE_TAG_CHECK_ERROR(0x2, 0x88, "End-to-End Storage Tag Check Error"),

    // ---- Path Related Status (SCT 3h)
    INTERNAL_PATH_ERROR(0x3, 0x00, "Internal Path Error"),
    ASYMMETRIC_ACCESS_PERSISTENT_LOSS(0x3, 0x01, "Asymmetric Access Persistent Loss"),
    ASYMMETRIC_ACCESS_INACCESSIBLE(0x3, 0x02, "Asymmetric Access Inaccessible"),
    ASYMMETRIC_ACCESS_TRANSITION(0x3, 0x03, "Asymmetric Access Transition"),
    CONTROLLER_PATHING_ERROR(0x3, 0x60, "Controller Pathing Error"),
    HOST_PATHING_ERROR(0x3, 0x70, "Host Pathing Error"),
    ABORTED_BY_HOST(0x3, 0x71, "Command Aborted By Host");

    private static final Map<Integer, StatusCode> BY_VALUE = new HashMap<>();
    private static final Map<Integer, StatusCode> FABRICS_BY_VALUE = new HashMap<>();

    static {
        for (StatusCode code : values()) {
            (code.fabrics ? FABRICS_BY_VALUE : BY_VALUE).putIfAbsent(key(code.sct, code.sc), code);
        }
    }

    private final int sct;
    private final int sc;
    private final String specName;
    private final boolean fabrics;

    StatusCode(int sct, int sc, String specName) {
        this(sct, sc, specName, false);
    }

    StatusCode(int sct, int sc, String specName, boolean fabrics) {
        this.sct = sct;
        this.sc = sc;
        this.specName = specName;
        this.fabrics = fabrics;
    }

    public int sct() {
        return sct;
    }

    public int sc() {
        return sc;
    }

    /** The name the spec gives this status, e.g. "Invalid Field in Command". */
    public String specName() {
        return specName;
    }

    /** Whether this meaning belongs to a Fabrics command (Connect, Authentication, Discovery). */
    public boolean fabrics() {
        return fabrics;
    }

    /** The 15-bit Status Field with DNR, More and CRD clear. */
    public int field() {
        return Status.field(sct, sc, 0, false, false);
    }

    /** The 15-bit Status Field with Do Not Retry set: the command will fail the same way again. */
    public int fieldDnr() {
        return Status.field(sct, sc, 0, false, true);
    }

    public Status status() {
        return new Status(sct, sc, 0, false, false);
    }

    public Status statusDnr() {
        return new Status(sct, sc, 0, false, true);
    }

    /** The named status for SCT/SC, the non-Fabrics meaning first; {@code null} when unnamed. */
    public static StatusCode of(int sct, int sc) {
        StatusCode code = BY_VALUE.get(key(sct, sc));
        return code != null ? code : FABRICS_BY_VALUE.get(key(sct, sc));
    }

    /** The named status for SCT/SC as a Fabrics command would mean it; {@code null} when unnamed. */
    public static StatusCode ofFabrics(int sct, int sc) {
        StatusCode code = FABRICS_BY_VALUE.get(key(sct, sc));
        return code != null ? code : BY_VALUE.get(key(sct, sc));
    }

    private static int key(int sct, int sc) {
        return (sct << 8) | sc;
    }
}
