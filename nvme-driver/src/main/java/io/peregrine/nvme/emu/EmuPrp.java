package io.peregrine.nvme.emu;

import io.peregrine.nvme.spec.Le;
import io.peregrine.nvme.spec.StatusCode;
import java.lang.foreign.MemorySegment;

/**
 * Moves a command's data between the model and host memory by walking its PRPs (NVMe Base 2.1,
 * "Physical Region Page Entry and List"): PRP1 may start inside a page; a transfer reaching into
 * a second page names it in PRP2; a longer one makes PRP2 point at a PRP List whose entries each
 * name a page, the last entry of a full list page pointing at the next list page. Every address
 * goes through the model's IOMMU table.
 *
 * <p>One instance per model; its methods run on the model's thread and allocate nothing.
 */
final class EmuPrp {

    private final EmuDmaTable dma;
    private long pageSize = 4096;

    EmuPrp(EmuDmaTable dma) {
        this.dma = dma;
    }

    void pageSize(long bytes) {
        pageSize = bytes;
    }

    /** Copies {@code length} bytes of {@code source} at {@code offset} to the host; answers a Status Field. */
    int toHost(MemorySegment source, long offset, long length, long prp1, long prp2) {
        return walk(source, offset, length, prp1, prp2, true);
    }

    /** Copies {@code length} bytes from the host into {@code target} at {@code offset}. */
    int fromHost(MemorySegment target, long offset, long length, long prp1, long prp2) {
        return walk(target, offset, length, prp1, prp2, false);
    }

    /** Checks the PRPs and their translations without moving data (the null namespace). */
    int check(long length, long prp1, long prp2) {
        return walk(null, 0, length, prp1, prp2, false);
    }

    private int walk(MemorySegment local, long offset, long length, long prp1, long prp2, boolean toHost) {
        if ((prp1 & 0x3) != 0) return StatusCode.PRP_OFFSET_INVALID.fieldDnr();
        long mask = pageSize - 1;
        long chunk = Math.min(length, pageSize - (prp1 & mask));
        int status = move(local, offset, prp1, chunk, toHost);
        if (status != 0) return status;
        long done = chunk;
        if (done == length) return 0;
        if (length - done <= pageSize) {
            if ((prp2 & mask) != 0) return StatusCode.PRP_OFFSET_INVALID.fieldDnr();
            return move(local, offset + done, prp2, length - done, toHost);
        }
        long list = prp2;
        if ((list & 0x7) != 0) return StatusCode.PRP_OFFSET_INVALID.fieldDnr();
        while (done < length) {
            EmuDmaTable.Mapping m = dma.find(list, 8);
            if (m == null) return StatusCode.DATA_TRANSFER_ERROR.field();
            long entry = m.memory().get(Le.U64, list - m.iova());
            boolean lastSlotOfPage = ((list + 8) & mask) == 0;
            if (lastSlotOfPage && length - done > pageSize) {
                // the last entry of a full list page points at the next list page
                if ((entry & 0x7) != 0) return StatusCode.PRP_OFFSET_INVALID.fieldDnr();
                list = entry;
                continue;
            }
            if ((entry & mask) != 0) return StatusCode.PRP_OFFSET_INVALID.fieldDnr();
            chunk = Math.min(length - done, pageSize);
            status = move(local, offset + done, entry, chunk, toHost);
            if (status != 0) return status;
            done += chunk;
            list += 8;
        }
        return 0;
    }

    private int move(MemorySegment local, long offset, long iova, long length, boolean toHost) {
        EmuDmaTable.Mapping m = dma.find(iova, length);
        if (m == null) return StatusCode.DATA_TRANSFER_ERROR.field();
        if (local == null) return 0;
        long hostOffset = iova - m.iova();
        if (toHost) {
            MemorySegment.copy(local, offset, m.memory(), hostOffset, length);
        } else {
            MemorySegment.copy(m.memory(), hostOffset, local, offset, length);
        }
        return 0;
    }
}
