package io.peregrine.nvmf.perf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.peregrine.nvmf.host.HostCommand;
import io.peregrine.nvmf.host.HostQueue;
import java.util.concurrent.CompletableFuture;
import org.HdrHistogram.Histogram;

/**
 * Drives one I/O queue from its event loop: keeps {@code -q} commands in flight, and on every
 * completion records the latency and submits the next command from the same slot. Nothing here
 * allocates once running: slots, buffers and the histogram are made up front.
 */
final class PerfWorker implements HostCommand.Callback {

    /** Where the whole run is; read by every worker on every completion. */
    enum Phase {
        PREFILL,
        WARMUP,
        MEASURE,
        STOP
    }

    /** One command in flight: its buffer and what it was asked to do. */
    private static final class Slot {
        final ByteBuf buffer;
        long slba;
        int ioSlot;
        boolean read;
        long generation;

        Slot(ByteBuf buffer) {
            this.buffer = buffer;
        }
    }

    private final PerfRun run;
    private final HostQueue queue;
    private final int nsid;
    private final int ioSize;
    private final int blocksPerIo;
    private final int readPercent;
    private final boolean random;
    private final int firstSlot;
    private final int stride;
    private final int mySlots;
    private final Slot[] slots;
    private final Verifier verifier;
    private final Histogram histogram = new Histogram(60_000_000_000L, 3);
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private final CompletableFuture<Void> prefilled = new CompletableFuture<>();

    private long rng;
    private int sequential;
    private int inFlight;
    private int prefillNext;
    private long ios;
    private long completedOk;
    private long bytes;
    private long errors;
    private int firstErrorStatus;

    PerfWorker(PerfRun run, HostQueue queue, int index, int workers, int nsid, int blockSize, long totalSlots) {
        PerfOptions options = run.options();
        this.run = run;
        this.queue = queue;
        this.nsid = nsid;
        this.ioSize = options.ioSize();
        this.blocksPerIo = ioSize / blockSize;
        this.readPercent = options.readPercent();
        this.random = options.workload().random();
        this.firstSlot = index;
        this.stride = workers;
        this.mySlots = (int) Math.max(1, (totalSlots - index + workers - 1) / workers);
        this.slots = new Slot[options.queueDepth()];
        // pooled buffers: their retained slices (how the host sends write data) are recycled
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot(PooledByteBufAllocator.DEFAULT.directBuffer(ioSize, ioSize));
        }
        this.verifier = options.verify() ? new Verifier(blockSize, blocksPerIo, (int) totalSlots) : null;
        this.rng = 0x2545_F491_4F6C_DD1DL ^ (index + 1) * 0x9E37_79B9_7F4A_7C15L;
        this.sequential = 0;
    }

    /** Writes every slot of this worker once (verify runs of read workloads), then completes. */
    CompletableFuture<Void> prefill() {
        queue.eventLoop().execute(() -> {
            for (Slot slot : slots) if (!prefillOne(slot)) break;
            if (inFlight == 0) prefilled.complete(null);
        });
        return prefilled;
    }

    private boolean prefillOne(Slot slot) {
        if (prefillNext >= mySlots) return false;
        int ioSlot = firstSlot + prefillNext++ * stride;
        return issue(slot, ioSlot, false);
    }

    void start() {
        queue.eventLoop().execute(() -> {
            for (Slot slot : slots) next(slot);
        });
    }

    CompletableFuture<Void> drained() {
        return drained;
    }

    @Override
    public void completed(HostCommand command) {
        Slot slot = (Slot) command.attachment();
        int status = command.status();
        inFlight--;
        if (verifier != null) {
            if (!slot.read) {
                verifier.written(slot.ioSlot, slot.generation, status == 0);
            } else if (status == 0) {
                verifier.check(slot.buffer, slot.ioSlot, slot.slba);
            } else {
                verifier.readFailed(slot.ioSlot);
            }
        }
        Phase phase = run.phase();
        if (status != 0) {
            if (errors++ == 0) firstErrorStatus = status;
        } else {
            completedOk++;
        }
        if (queue.phase() == HostQueue.Phase.CLOSED) {
            // the connection is gone: nothing more can be issued; PerfMain reports why
            if (inFlight == 0) stopped();
            return;
        }
        switch (phase) {
            case PREFILL -> {
                if (!prefillOne(slot) && inFlight == 0) prefilled.complete(null);
            }
            case MEASURE -> {
                histogram.recordValue(Math.max(1, System.nanoTime() - command.submittedNanos()));
                ios++;
                bytes += ioSize;
                next(slot);
            }
            case WARMUP -> next(slot);
            case STOP -> {
                if (inFlight == 0) drained.complete(null);
            }
        }
    }

    private void next(Slot slot) {
        if (run.phase() == Phase.STOP) {
            if (inFlight == 0) drained.complete(null);
            return;
        }
        boolean read = readPercent == 100 || (readPercent != 0 && (int) (nextRandom() % 100) < readPercent);
        int ioSlot = pickSlot();
        if (verifier != null) {
            for (int tries = 0; verifier.busy(ioSlot) && tries < 64; tries++) ioSlot = pickSlot();
            if (verifier.busy(ioSlot)) {
                // every pick was in flight: the span is too small for the depth; wait one completion
                queue.eventLoop().execute(() -> next(slot));
                return;
            }
        }
        issue(slot, ioSlot, read);
    }

    private int pickSlot() {
        int index;
        if (random) {
            index = (int) (nextRandom() % mySlots);
        } else {
            index = sequential;
            sequential = sequential + 1 == mySlots ? 0 : sequential + 1;
        }
        return firstSlot + index * stride;
    }

    /** Every future a waiter may be blocked on, completed: after the end or a lost connection. */
    private void stopped() {
        prefilled.complete(null);
        drained.complete(null);
    }

    private boolean issue(Slot slot, int ioSlot, boolean read) {
        HostCommand command = queue.acquire();
        if (command == null) {
            // the connection is gone (the slots never outnumber the queue): PerfMain reports why
            if (inFlight == 0) stopped();
            return false;
        }
        slot.ioSlot = ioSlot;
        slot.read = read;
        slot.slba = (long) ioSlot * blocksPerIo;
        if (verifier != null) {
            verifier.begin(ioSlot);
            if (!read) slot.generation = verifier.stamp(slot.buffer, ioSlot, slot.slba);
        }
        if (read) {
            // without --verify the data is not looked at: it is received and dropped
            queue.read(command, nsid, slot.slba, blocksPerIo, verifier != null ? slot.buffer : null, 0, ioSize);
        } else {
            queue.write(command, nsid, slot.slba, blocksPerIo, slot.buffer, 0, ioSize);
        }
        command.callback(this, slot);
        inFlight++;
        queue.submit(command);
        return true;
    }

    /** xorshift64*: cheap, allocation-free, good enough to spread LBAs. */
    private long nextRandom() {
        long x = rng;
        x ^= x >>> 12;
        x ^= x << 25;
        x ^= x >>> 27;
        rng = x;
        return (x * 0x2545_F491_4F6C_DD1DL) >>> 1;
    }

    /** Releases the buffers; after the run, on any thread once drained. */
    void release() {
        queue.eventLoop().execute(() -> {
            for (Slot slot : slots) slot.buffer.release();
        });
    }

    Histogram histogram() {
        return histogram;
    }

    long ios() {
        return ios;
    }

    /** Commands that completed successfully, in every phase. On the queue's loop. */
    long completedOk() {
        return completedOk;
    }

    long bytes() {
        return bytes;
    }

    long errors() {
        return errors;
    }

    int firstErrorStatus() {
        return firstErrorStatus;
    }

    Verifier verifier() {
        return verifier;
    }

    HostQueue queue() {
        return queue;
    }
}
