package io.peregrine.nvme.emu;

import io.peregrine.nvme.spec.Cqe;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** The model's view of the host's queue rings; used only by the model's thread. */
final class EmuQueues {

    /** 32-bit little-endian aligned accesses with acquire/release semantics (CQE DW3, registers). */
    static final VarHandle INT32 =
            ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private EmuQueues() {}

    /** A submission queue: entries in host memory, head advanced by the model, tail by the host's doorbell. */
    static final class Sq {
        final int qid;
        final int entries;
        final Cq cq;
        final MemorySegment ring;
        final long ringOffset;
        int head;

        Sq(int qid, int entries, Cq cq, MemorySegment ring, long ringOffset) {
            this.qid = qid;
            this.entries = entries;
            this.cq = cq;
            this.ring = ring;
            this.ringOffset = ringOffset;
        }

        long entryOffset(int index) {
            return ringOffset + 64L * index;
        }
    }

    /** A completion queue: tail and phase advanced by the model, head by the host's doorbell. */
    static final class Cq {
        final int qid;
        final int entries;
        final MemorySegment ring;
        final long ringOffset;
        int tail;
        int head;
        int phase = 1;
        int sqCount;

        Cq(int qid, int entries, MemorySegment ring, long ringOffset) {
            this.qid = qid;
            this.entries = entries;
            this.ring = ring;
            this.ringOffset = ringOffset;
        }

        boolean full() {
            return (tail + 1) % entries == head;
        }

        /**
         * Writes one completion: DW0-DW2 first, then DW3 (CID, phase, status) with release
         * semantics, so a host that sees the new phase also sees the rest of the entry.
         */
        void post(int dw0, int sqhd, int sqid, int cid, int statusField) {
            long base = ringOffset + 16L * tail;
            Cqe.dw0(ring, base, dw0);
            Cqe.dw1(ring, base, 0);
            Cqe.sqhd(ring, base, sqhd);
            Cqe.sqid(ring, base, sqid);
            INT32.setRelease(ring, base + Cqe.DW3_OFFSET, Cqe.dw3(cid, phase, statusField));
            if (++tail == entries) {
                tail = 0;
                phase ^= 1;
            }
        }
    }

    /** A completion held back by the slow-completion fault, or by an Abort looking for it. */
    record Pending(Sq sq, int cid, int dw0, int statusField, long dueNanos) {}
}
