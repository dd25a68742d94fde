package io.peregrine.nvme.driver;

import io.peregrine.nvme.dma.DmaBlock;
import io.peregrine.nvme.dma.DmaMemory;
import io.peregrine.nvme.spec.ControllerRegisters;
import io.peregrine.nvme.spec.Cqe;
import io.peregrine.nvme.spec.Sqe;
import io.peregrine.nvme.spec.Status;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The admin queue pair: one command at a time, synchronously, by polling (no interrupts). Any
 * thread may use it; a lock serializes them. Control path only — nothing here is hot.
 */
final class AdminQueue implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AdminQueue.class.getName());
    private static final long SPIN_NANOS = 50_000;

    private final Registers registers;
    private final DmaMemory dma;
    private final String device;
    private final int entries;
    private final DmaBlock sq;
    private final DmaBlock cq;
    private final DmaBlock data;
    private final ReentrantLock lock = new ReentrantLock();
    private long sqDoorbell;
    private long cqDoorbell;
    private int tail;
    private int head;
    private int phase;
    private int nextCid;

    AdminQueue(Registers registers, DmaMemory dma, String device, int entries) {
        this.registers = registers;
        this.dma = dma;
        this.device = device;
        this.entries = entries;
        this.sq = dma.allocate(64L * entries, 4096);
        this.cq = dma.allocate(16L * entries, 4096);
        this.data = dma.allocate(4096, 4096);
    }

    /** Empties the rings for a (re)enabled controller and notes the doorbell stride. */
    void reset(int dstrd) {
        lock.lock();
        try {
            sq.segment().fill((byte) 0);
            cq.segment().fill((byte) 0);
            tail = 0;
            head = 0;
            phase = 1;
            sqDoorbell = ControllerRegisters.sqTailDoorbell(0, dstrd);
            cqDoorbell = ControllerRegisters.cqHeadDoorbell(0, dstrd);
        } finally {
            lock.unlock();
        }
    }

    int entries() {
        return entries;
    }

    long sqIova() {
        return sq.iova();
    }

    long cqIova() {
        return cq.iova();
    }

    /** Runs {@code command}; answers its completion whatever the status. */
    Completion execute(AdminCommand command, Duration timeout) {
        lock.lock();
        try {
            return submitAndWait(command, timeout);
        } finally {
            lock.unlock();
        }
    }

    /** Runs a command that returns data and copies {@code bytes} of it out; throws on an error status. */
    MemorySegment read(AdminCommand command, int bytes, Duration timeout) {
        if (bytes > data.size()) throw new IllegalArgumentException("admin data is at most " + data.size() + " bytes");
        lock.lock();
        try {
            data.segment().fill((byte) 0);
            Completion c = submitAndWait(command.withData(bytes), timeout);
            if (!Status.isSuccess(c.status()))
                throw new NvmeStatusException(device + ": " + command.describe(), c.status());
            MemorySegment copy = MemorySegment.ofArray(new byte[bytes]);
            MemorySegment.copy(data.segment(), 0, copy, 0, bytes);
            return copy;
        } finally {
            lock.unlock();
        }
    }

    /** As {@link #execute}, throwing on an error status. */
    Completion run(AdminCommand command, Duration timeout) {
        Completion c = execute(command, timeout);
        if (!Status.isSuccess(c.status()))
            throw new NvmeStatusException(device + ": " + command.describe(), c.status());
        return c;
    }

    private Completion submitAndWait(AdminCommand command, Duration timeout) {
        int cid = nextCid;
        nextCid = (nextCid + 1) & 0xffff;
        MemorySegment ring = sq.segment();
        long base = 64L * tail;
        Sqe.clear(ring, base);
        Sqe.opcode(ring, base, command.opcode().value());
        Sqe.cid(ring, base, cid);
        Sqe.nsid(ring, base, command.nsid());
        Sqe.cdw10(ring, base, command.cdw10());
        Sqe.cdw11(ring, base, command.cdw11());
        Sqe.cdw12(ring, base, command.cdw12());
        Sqe.cdw13(ring, base, command.cdw13());
        if (command.dataBytes() > 0) {
            Sqe.prp1(ring, base, data.iova());
        } else {
            Sqe.prp1(ring, base, command.prp1());
        }
        tail = tail + 1 == entries ? 0 : tail + 1;
        registers.doorbell(sqDoorbell, tail);

        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        MemorySegment completions = cq.segment();
        while (true) {
            long entry = 16L * head;
            int dw3 = (int) Registers.INT32.getAcquire(completions, entry + Cqe.DW3_OFFSET);
            if (Cqe.phaseOfDw3(dw3) == phase) {
                int dw0 = Cqe.dw0(completions, entry);
                head = head + 1 == entries ? 0 : head + 1;
                if (head == 0) phase ^= 1;
                registers.doorbell(cqDoorbell, head);
                if (Cqe.cidOfDw3(dw3) == cid) return new Completion(dw0, Cqe.statusFieldOfDw3(dw3));
                LOG.log(
                        System.Logger.Level.DEBUG,
                        "{0}: stray admin completion for CID {1}",
                        device,
                        Cqe.cidOfDw3(dw3));
                continue;
            }
            long now = System.nanoTime();
            if (now - deadline > 0) {
                throw new NvmeTimeoutException(device + ": " + command.describe() + " (admin CID " + cid
                        + ") did not complete within " + timeout.toMillis() + " ms; CSTS=0x"
                        + Integer.toHexString(registers.csts()));
            }
            if (now - start < SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(20_000);
            }
        }
    }

    @Override
    public void close() {
        dma.free(sq);
        dma.free(cq);
        dma.free(data);
    }

    /** An admin completion: DW0 and the Status Field. */
    record Completion(int dw0, int status) {}
}
