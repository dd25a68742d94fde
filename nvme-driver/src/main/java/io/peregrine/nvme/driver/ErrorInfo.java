package io.peregrine.nvme.driver;

import io.peregrine.nvme.spec.ErrorLogEntry;
import io.peregrine.nvme.spec.Status;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/** One entry of the Error Information log page (01h), decoded. */
public record ErrorInfo(long errorCount, int sqid, int cid, Status status, long lba, int nsid) {

    /** The used entries of an error log page, newest first (an entry with Error Count 0 is unused). */
    static List<ErrorInfo> parse(MemorySegment log, int entries) {
        List<ErrorInfo> result = new ArrayList<>();
        for (int i = 0; i < entries && (i + 1) * ErrorLogEntry.SIZE <= log.byteSize(); i++) {
            long base = i * ErrorLogEntry.SIZE;
            long count = ErrorLogEntry.ERROR_COUNT.get(log, base);
            if (count == 0) continue;
            result.add(new ErrorInfo(
                    count,
                    ErrorLogEntry.SQID.get(log, base),
                    ErrorLogEntry.CID.get(log, base),
                    Status.fromField(ErrorLogEntry.STATUS_FIELD.get(log, base) >>> 1),
                    ErrorLogEntry.LBA.get(log, base),
                    ErrorLogEntry.NSID.get(log, base)));
        }
        return result;
    }
}
