package io.peregrine.dataplane.bdev;

import io.peregrine.dataplane.sys.Errno;

/**
 * How an I/O ended. Each value carries the NVMe status it maps to (NVMe Base 2.1, Figure 101
 * "Status Code – Generic Command Status Values" for SCT 0, Figure 104 "Status Code – Media and
 * Data Integrity Errors" for SCT 2), so the NVMe/TCP target translates in one place, the way
 * nvmet's {@code blk_to_nvme_status} does.
 */
public enum IoStatus {
    SUCCESS(0, 0x00, "success"),
    /** Invalid Command Opcode: the device does not support the operation. */
    NOT_SUPPORTED(0, 0x01, "operation not supported by the device"),
    /** Invalid Field in Command: a zero-length transfer, a malformed request. */
    INVALID_FIELD(0, 0x02, "invalid field in command"),
    /** Data Transfer Error: the buffer could not be used (too small, not accessible). */
    DATA_TRANSFER_ERROR(0, 0x04, "data transfer error"),
    /** Internal Error: the store failed and went read-only, or the device misbehaved. */
    INTERNAL_ERROR(0, 0x06, "internal error"),
    /** Command Abort Requested: the channel or device was closed with the I/O in flight. */
    ABORTED(0, 0x07, "aborted"),
    /** Namespace is Write Protected: a write to a snapshot or a read-only device. */
    READ_ONLY(0, 0x20, "volume is read-only"),
    /** LBA Out of Range. */
    INVALID_RANGE(0, 0x80, "LBA out of range"),
    /** Capacity Exceeded: a thin volume needed a cluster and the pool had none left. */
    CAPACITY_EXCEEDED(0, 0x81, "capacity exceeded: the pool has no free clusters"),
    /** Write Fault (media and data integrity errors). */
    WRITE_FAULT(2, 0x80, "write fault"),
    /** Unrecovered Read Error (media and data integrity errors). */
    READ_ERROR(2, 0x81, "unrecovered read error");

    private final int sct;
    private final int sc;
    private final String text;

    IoStatus(int sct, int sc, String text) {
        this.sct = sct;
        this.sc = sc;
        this.text = text;
    }

    /** NVMe Status Code Type. */
    public int statusCodeType() {
        return sct;
    }

    /** NVMe Status Code. */
    public int statusCode() {
        return sc;
    }

    public boolean isSuccess() {
        return this == SUCCESS;
    }

    /** A short human description. */
    public String text() {
        return text;
    }

    /** Translates a failed system call's errno into a status for an I/O of {@code type}. */
    public static IoStatus fromErrno(int errno, IoType type) {
        return switch (errno) {
            case Errno.ENOSPC, Errno.EFBIG -> CAPACITY_EXCEEDED;
            case Errno.EROFS, Errno.EACCES, Errno.EPERM -> READ_ONLY;
            case Errno.EOPNOTSUPP -> NOT_SUPPORTED;
            case Errno.EFAULT -> DATA_TRANSFER_ERROR;
            case Errno.ECANCELED -> ABORTED;
            case Errno.EIO, Errno.ENXIO, Errno.ENODEV -> type == IoType.READ ? READ_ERROR : WRITE_FAULT;
            default -> INTERNAL_ERROR;
        };
    }
}
