package io.peregrine.dataplane.export;

import io.peregrine.dataplane.bdev.IoStatus;
import io.peregrine.nvme.spec.Status;

/**
 * The NVMe Status Field each engine {@link IoStatus} completes a host's command with -- the one
 * place the translation happens (nvmet's {@code blk_to_nvme_status}). Do Not Retry is set where a
 * retry cannot succeed (bad range, read-only, a full pool, a failed store) and left clear where it
 * might (an abort when a channel closed, a media error).
 */
final class NvmeStatuses {
    private static final int[] FIELDS = new int[IoStatus.values().length];

    static {
        for (IoStatus s : IoStatus.values()) {
            boolean dnr = switch (s) {
                case SUCCESS, ABORTED, WRITE_FAULT, READ_ERROR -> false;
                case NOT_SUPPORTED,
                        INVALID_FIELD,
                        DATA_TRANSFER_ERROR,
                        INTERNAL_ERROR,
                        READ_ONLY,
                        INVALID_RANGE,
                        CAPACITY_EXCEEDED -> true;
            };
            FIELDS[s.ordinal()] = Status.field(s.statusCodeType(), s.statusCode(), 0, false, dnr);
        }
    }

    private NvmeStatuses() {}

    static int field(IoStatus status) {
        return FIELDS[status.ordinal()];
    }
}
