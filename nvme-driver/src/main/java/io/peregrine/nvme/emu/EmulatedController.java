package io.peregrine.nvme.emu;

import static io.peregrine.nvme.emu.EmuQueues.INT32;

import io.peregrine.nvme.pci.PciFunction;
import io.peregrine.nvme.spec.ControllerRegisters;
import io.peregrine.nvme.spec.IdentifyController;
import io.peregrine.nvme.spec.Sqe;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * A software NVMe controller: the register interface of NVMe over PCIe (BAR0 with CAP, CC, CSTS,
 * AQA/ASQ/ACQ and doorbells), the admin command set the driver uses, and the NVM command set
 * (Read, Write, Flush, Write Zeroes, Dataset Management) over memory, a file, or nothing at all.
 *
 * <p>It does what a device does with the same memory: software has no MMIO traps, so its thread
 * polls BAR0 (CC and every doorbell), fetches SQEs from the host's rings through its IOMMU table,
 * walks PRPs, and writes CQEs with the phase tag. The driver reaches it through
 * {@link #pciFunction()} exactly as it reaches a VFIO device.
 *
 * <p>Threads: {@link #start()} runs the model on its own thread, which spins while there is work
 * and parks with a growing back-off when idle. Alternatively {@link #runOnce()} steps it from a
 * caller (benchmarks do, to measure the driver and the model apart) — never both at once.
 * {@link #faults()} may be used from any thread.
 */
public final class EmulatedController implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EmulatedController.class.getName());

    static final long BAR0_SIZE = 16 * 1024;
    /** Commands fetched from one SQ per step: keeps queues fair. */
    private static final int BURST = 64;
    /** Empty steps before the idle thread starts parking. */
    private static final int SPINS_BEFORE_PARK = 2_000;

    private static final long MAX_PARK_NANOS = 1_000_000;

    // ---- configuration (immutable)
    final String name;
    final String serial;
    final int maxIoQueues;
    final int maxQueueEntries;
    final int mdts;
    final int timeoutUnits;
    final long readyDelayNanos;
    final EmuNamespace[] namespaces;
    final MemorySegment identifyController = MemorySegment.ofArray(new byte[4096]);

    // ---- hardware
    private final Arena arena = Arena.ofShared();
    final MemorySegment bar;
    final EmuDmaTable dma = new EmuDmaTable();
    final EmuPciFunction pci;
    final EmuPrp prp = new EmuPrp(dma);
    final Faults faults = new Faults();
    final EmuHealth health = new EmuHealth();
    private final EmuAdmin admin = new EmuAdmin(this);
    private final EmuIo nvm = new EmuIo(this);

    // ---- state, owned by the model's thread (or the runOnce caller)
    private int lastCc;
    private boolean enabling;
    private long readyAtNanos;
    boolean ready;
    boolean fatal;
    boolean shutdown;
    final EmuQueues.Sq[] sqs;
    final EmuQueues.Cq[] cqs;
    private EmuQueues.Sq[] active = new EmuQueues.Sq[0];
    final List<EmuQueues.Pending> pending = new ArrayList<>();
    /** Commands fetched under {@link Faults#hangCommands}: each its SQ and a copy of its SQE. */
    private final List<Hung> hung = new ArrayList<>();

    private record Hung(EmuQueues.Sq sq, MemorySegment sqe) {}

    int grantedSqs;
    int grantedCqs;
    boolean ioQueuesCreated;
    int outstandingAsyncEvents;
    boolean volatileWriteCache = true;
    private final MemorySegment sqe = MemorySegment.ofArray(new long[8]);
    private long commands;
    /** Set by a handler that has its own completion plan (AER held, or an abort). */
    int resultDw0;

    // ---- the thread
    private final Object lifecycle = new Object();
    private Thread thread;
    private volatile boolean running;
    private volatile boolean closed;

    private EmulatedController(Builder b) {
        this.name = b.name;
        this.serial = b.serial;
        this.maxIoQueues = b.maxIoQueues;
        this.maxQueueEntries = b.maxQueueEntries;
        this.mdts = b.mdts;
        this.timeoutUnits = b.timeoutUnits;
        this.readyDelayNanos = b.readyDelay.toNanos();
        this.namespaces = new EmuNamespace[b.backends.size()];
        for (int i = 0; i < namespaces.length; i++) {
            namespaces[i] = new EmuNamespace(i + 1, b.backends.get(i), b.blockSizes.get(i), serial);
        }
        this.sqs = new EmuQueues.Sq[maxIoQueues + 1];
        this.cqs = new EmuQueues.Cq[maxIoQueues + 1];
        this.bar = arena.allocate(BAR0_SIZE, 4096);
        this.pci = new EmuPciFunction("emu:" + name, bar, dma, () -> {});
        this.grantedSqs = maxIoQueues;
        this.grantedCqs = maxIoQueues;
        buildIdentify(b.model);
        writeCap();
        dma.onUnmap(this::onUnmap);
    }

    public static Builder builder() {
        return new Builder();
    }

    private void writeCap() {
        ControllerRegisters.Cap cap = new ControllerRegisters.Cap(
                maxQueueEntries - 1,
                true,
                0,
                timeoutUnits,
                0,
                false,
                ControllerRegisters.Cap.CSS_NVM_SUPPORTED,
                false,
                0,
                4,
                false,
                false);
        long raw = cap.encode();
        INT32.setRelease(bar, (long) ControllerRegisters.CAP, (int) raw);
        INT32.setRelease(bar, (long) ControllerRegisters.CAP + 4, (int) (raw >>> 32));
        INT32.setRelease(bar, (long) ControllerRegisters.VS, ControllerRegisters.vs(2, 1, 0));
        INT32.setRelease(bar, (long) ControllerRegisters.CSTS, 0);
    }

    private void buildIdentify(String model) {
        MemorySegment id = identifyController;
        IdentifyController.VID.set(id, EmuPciFunction.VENDOR_ID);
        IdentifyController.SSVID.set(id, EmuPciFunction.VENDOR_ID);
        IdentifyController.SN.set(id, serial);
        IdentifyController.MN.set(id, model);
        IdentifyController.FR.set(id, "1.0");
        IdentifyController.MDTS.set(id, mdts);
        IdentifyController.CNTLID.set(id, 1);
        IdentifyController.VER.set(id, ControllerRegisters.vs(2, 1, 0));
        IdentifyController.CNTRLTYPE.set(id, IdentifyController.CNTRLTYPE_IO);
        IdentifyController.ACL.set(id, 3);
        IdentifyController.AERL.set(id, 3);
        IdentifyController.FRMW.set(id, 0x02); // one slot
        IdentifyController.ELPE.set(id, EmuHealth.ERROR_ENTRIES - 1);
        IdentifyController.NPSS.set(id, 0);
        IdentifyController.WCTEMP.set(id, 343);
        IdentifyController.CCTEMP.set(id, 358);
        IdentifyController.SQES.set(id, 0x66);
        IdentifyController.CQES.set(id, 0x44);
        IdentifyController.NN.set(id, namespaces.length);
        IdentifyController.ONCS.set(
                id, IdentifyController.ONCS_DATASET_MANAGEMENT | IdentifyController.ONCS_WRITE_ZEROES);
        IdentifyController.VWC.set(id, 1);
        long capacity = 0;
        for (EmuNamespace ns : namespaces) capacity += ns.backend.size();
        IdentifyController.TNVMCAP.set(id, capacity);
        IdentifyController.SUBNQN.set(id, "nqn.2026-11.io.peregrine:emu:" + serial);
        // power state 0: 25 W, the only one
        IdentifyController.powerState(id, 0).set(io.peregrine.nvme.spec.Le.U16, 0, (short) 2500);
    }

    /** The model as a PCI function: hand this to the driver. */
    public PciFunction pciFunction() {
        return pci;
    }

    public Faults faults() {
        return faults;
    }

    public String name() {
        return name;
    }

    /** Commands executed so far (admin and I/O). */
    public long commandsExecuted() {
        return commands;
    }

    /** Runs the model on its own daemon thread. */
    public void start() {
        synchronized (lifecycle) {
            if (closed) throw new IllegalStateException("model " + name + " is closed");
            if (thread != null) return;
            running = true;
            thread = Thread.ofPlatform().name("nvme-emu-" + name).daemon(true).start(this::loop);
        }
    }

    /** Stops the model's thread (it can be started again, or stepped with {@link #runOnce()}). */
    public void stop() {
        Thread t;
        synchronized (lifecycle) {
            t = thread;
            if (t == null) return;
            running = false;
            thread = null;
        }
        LockSupport.unpark(t);
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        int idle = 0;
        long park = 1_000;
        while (running) {
            int work;
            try {
                work = step();
            } catch (RuntimeException e) {
                // a bug in the model must look like what it is to the driver: a dead controller
                LOG.log(System.Logger.Level.ERROR, "NVMe model " + name + " failed; reporting controller fatal", e);
                setFatal("model failure: " + e);
                work = 0;
            }
            if (work > 0) {
                idle = 0;
                park = 1_000;
            } else if (++idle > SPINS_BEFORE_PARK) {
                LockSupport.parkNanos(park);
                park = Math.min(park * 2, MAX_PARK_NANOS);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * One step: react to CC, then fetch and execute what the doorbells announce. Answers how much
     * it did (0 = idle). Only when the model's thread is not running.
     */
    public int runOnce() {
        if (thread != null) throw new IllegalStateException("the model's thread is running; stop() it first");
        return step();
    }

    private int step() {
        dma.lock().lock();
        try {
            return stepLocked();
        } finally {
            dma.lock().unlock();
        }
    }

    /** The host unmapped memory: a queue living there is gone, as a device would find after an IOMMU fault. */
    private void onUnmap(EmuDmaTable.Mapping mapping) {
        boolean lost = false;
        for (int i = 0; i < sqs.length; i++) {
            if (sqs[i] != null && sqs[i].ring == mapping.memory()) {
                sqs[i] = null;
                lost = true;
            }
            if (cqs[i] != null && cqs[i].ring == mapping.memory()) {
                cqs[i] = null;
                lost = true;
            }
        }
        if (lost) {
            for (int i = 0; i < sqs.length; i++) {
                if (sqs[i] != null && cqs[sqs[i].cq.qid] != sqs[i].cq) sqs[i] = null;
            }
            pending.removeIf(p -> sqs[p.sq().qid] != p.sq());
            rebuildActive();
            if (ready && !shutdown) setFatal("queue memory was unmapped while the queue existed");
        }
    }

    private int stepLocked() {
        int work = 0;
        if (!hung.isEmpty() && faults.takeWakeHung()) work += wakeHung();
        int cc = reg(ControllerRegisters.CC);
        if (cc != lastCc) {
            onControllerConfiguration(lastCc, cc);
            lastCc = cc;
            work++;
        }
        if (fatal) return work;
        if (faults.takeFatal()) {
            setFatal("injected controller fatal status");
            return work + 1;
        }
        if (!ready) {
            if (enabling && !faults.readyStalled() && System.nanoTime() >= readyAtNanos) {
                enabling = false;
                ready = true;
                csts(ControllerRegisters.CSTS_RDY);
                work++;
            }
            return work;
        }
        if (shutdown || !pci.busMaster()) return work; // with BME clear a device reaches no memory
        if (!pending.isEmpty()) work += postDue(System.nanoTime());
        EmuQueues.Sq[] queues = active;
        for (EmuQueues.Sq sq : queues) {
            work += process(sq);
            if (fatal) break;
        }
        return work;
    }

    // ---- registers

    int reg(int offset) {
        return (int) INT32.getAcquire(bar, (long) offset);
    }

    private void csts(int value) {
        INT32.setRelease(bar, (long) ControllerRegisters.CSTS, value);
    }

    private void onControllerConfiguration(int old, int cc) {
        boolean wasEnabled = (old & ControllerRegisters.CC_EN) != 0;
        boolean enabled = (cc & ControllerRegisters.CC_EN) != 0;
        if (wasEnabled && !enabled) {
            reset();
        } else if (!wasEnabled && enabled) {
            enable(cc);
        }
        if (enabled
                && ControllerRegisters.ccShn(cc) != ControllerRegisters.SHN_NONE
                && ControllerRegisters.ccShn(old) == ControllerRegisters.SHN_NONE) {
            shutdown(ControllerRegisters.ccShn(cc));
        }
    }

    /** CC.EN 0 to 1: check the admin queue registers and bring up the admin queues. */
    private void enable(int cc) {
        int mps = ControllerRegisters.ccMps(cc);
        if (mps > 4) {
            setFatal("CC.MPS " + mps + " is outside CAP.MPSMIN..MPSMAX (0..4)");
            return;
        }
        if (!pci.busMaster()) {
            setFatal("enabled with PCI Bus Master Enable clear: the controller cannot reach host memory");
            return;
        }
        prp.pageSize(4096L << mps);
        int aqa = reg(ControllerRegisters.AQA);
        int sqEntries = ControllerRegisters.aqaSqEntries(aqa);
        int cqEntries = ControllerRegisters.aqaCqEntries(aqa);
        long asq = (reg(ControllerRegisters.ASQ) & 0xffff_ffffL) | ((long) reg(ControllerRegisters.ASQ + 4) << 32);
        long acq = (reg(ControllerRegisters.ACQ) & 0xffff_ffffL) | ((long) reg(ControllerRegisters.ACQ + 4) << 32);
        if (sqEntries < 2 || cqEntries < 2 || (asq & 0xfff) != 0 || (acq & 0xfff) != 0) {
            setFatal("invalid admin queue registers: AQA=0x" + Integer.toHexString(aqa) + " ASQ=0x"
                    + Long.toHexString(asq) + " ACQ=0x" + Long.toHexString(acq));
            return;
        }
        EmuDmaTable.Mapping sqMap = dma.find(asq, 64L * sqEntries);
        EmuDmaTable.Mapping cqMap = dma.find(acq, 16L * cqEntries);
        if (sqMap == null || cqMap == null) {
            setFatal("the admin queues are not in DMA-mapped memory (ASQ=0x" + Long.toHexString(asq) + ", ACQ=0x"
                    + Long.toHexString(acq) + ")");
            return;
        }
        clearDoorbells(0);
        EmuQueues.Cq cq = new EmuQueues.Cq(0, cqEntries, cqMap.memory(), acq - cqMap.iova());
        EmuQueues.Sq sq = new EmuQueues.Sq(0, sqEntries, cq, sqMap.memory(), asq - sqMap.iova());
        cq.sqCount = 1;
        cqs[0] = cq;
        sqs[0] = sq;
        rebuildActive();
        enabling = true;
        readyAtNanos = System.nanoTime() + readyDelayNanos;
    }

    /** CC.EN 1 to 0: a Controller Level Reset. Queues vanish, volatile features return to defaults. */
    private void reset() {
        // the controller's internal queue pointers start over; the registers the host wrote are history
        bar.asSlice(ControllerRegisters.DOORBELLS).fill((byte) 0);
        java.util.Arrays.fill(sqs, null);
        java.util.Arrays.fill(cqs, null);
        rebuildActive();
        pending.clear();
        hung.clear();
        enabling = false;
        ready = false;
        fatal = false;
        shutdown = false;
        grantedSqs = maxIoQueues;
        grantedCqs = maxIoQueues;
        ioQueuesCreated = false;
        outstandingAsyncEvents = 0;
        csts(0);
    }

    private void shutdown(int type) {
        csts(reg(ControllerRegisters.CSTS)
                | (ControllerRegisters.SHST_OCCURRING << ControllerRegisters.CSTS_SHST_SHIFT));
        if (type == ControllerRegisters.SHN_NORMAL) {
            for (EmuNamespace ns : namespaces) ns.backend.flush();
        }
        shutdown = true;
        int csts = reg(ControllerRegisters.CSTS) & ~ControllerRegisters.CSTS_SHST_MASK;
        csts(csts | (ControllerRegisters.SHST_COMPLETE << ControllerRegisters.CSTS_SHST_SHIFT));
    }

    void setFatal(String reason) {
        if (fatal) return;
        fatal = true;
        LOG.log(System.Logger.Level.INFO, "NVMe model {0}: controller fatal status: {1}", name, reason);
        csts(reg(ControllerRegisters.CSTS) | ControllerRegisters.CSTS_CFS);
    }

    /** A queue's doorbells read 0 when it is created: the device's own head and tail start at 0. */
    void clearDoorbells(int qid) {
        INT32.setRelease(bar, ControllerRegisters.sqTailDoorbell(qid, 0), 0);
        INT32.setRelease(bar, ControllerRegisters.cqHeadDoorbell(qid, 0), 0);
    }

    void rebuildActive() {
        List<EmuQueues.Sq> list = new ArrayList<>();
        for (EmuQueues.Sq sq : sqs) if (sq != null) list.add(sq);
        active = list.toArray(new EmuQueues.Sq[0]);
    }

    // ---- queues

    private int process(EmuQueues.Sq sq) {
        int tail = reg((int) ControllerRegisters.sqTailDoorbell(sq.qid, 0));
        if (tail == sq.head) return 0;
        if (tail < 0 || tail >= sq.entries) {
            setFatal("SQ " + sq.qid + " tail doorbell " + tail + " is outside the queue (" + sq.entries + " entries)");
            return 1;
        }
        EmuQueues.Cq cq = sq.cq;
        if (!refreshHead(cq)) return 1;
        int done = 0;
        while (sq.head != tail && done < BURST) {
            if (cq.full()) {
                if (!refreshHead(cq) || cq.full()) break;
            }
            MemorySegment.copy(sq.ring, sq.entryOffset(sq.head), sqe, 0, 64);
            sq.head = sq.head + 1 == sq.entries ? 0 : sq.head + 1;
            execute(sq, sqe);
            done++;
            if (fatal || !ready) break;
        }
        return done;
    }

    private boolean refreshHead(EmuQueues.Cq cq) {
        int head = reg((int) ControllerRegisters.cqHeadDoorbell(cq.qid, 0));
        if (head < 0 || head >= cq.entries) {
            setFatal("CQ " + cq.qid + " head doorbell " + head + " is outside the queue (" + cq.entries + " entries)");
            return false;
        }
        cq.head = head;
        return true;
    }

    private void execute(EmuQueues.Sq sq, MemorySegment command) {
        commands++;
        int cid = Sqe.cid(command, 0);
        resultDw0 = 0;
        if (sq.qid != 0 && faults.takeHang()) {
            MemorySegment copy = MemorySegment.ofArray(new byte[64]);
            MemorySegment.copy(command, 0, copy, 0, 64);
            hung.add(new Hung(sq, copy));
            return;
        }
        int status = sq.qid == 0 ? admin.execute(command) : nvm.execute(sq, command);
        if (status == EmuAdmin.NO_COMPLETION) return;
        if (sq.qid != 0) {
            if (faults.takeDrop()) return; // executed, never completed
            long delay = faults.takeDelay();
            if (delay > 0) {
                pending.add(new EmuQueues.Pending(sq, cid, resultDw0, status, System.nanoTime() + delay));
                return;
            }
        }
        sq.cq.post(resultDw0, sq.head, sq.qid, cid, status);
    }

    /** Executes the hung commands late: their data moves now and their completions are posted. */
    private int wakeHung() {
        int n = 0;
        for (Hung h : hung) {
            if (!pci.busMaster() || sqs[h.sq().qid] != h.sq()) continue; // fenced, or the queue is gone
            resultDw0 = 0;
            int status = nvm.execute(h.sq(), h.sqe());
            if (status == EmuAdmin.NO_COMPLETION || h.sq().cq.full()) continue;
            h.sq().cq.post(resultDw0, h.sq().head, h.sq().qid, Sqe.cid(h.sqe(), 0), status);
            n++;
        }
        hung.clear();
        return n;
    }

    private int postDue(long now) {
        int posted = 0;
        for (int i = 0; i < pending.size(); i++) {
            EmuQueues.Pending p = pending.get(i);
            if (p.dueNanos() > now) continue;
            EmuQueues.Cq cq = p.sq().cq;
            if (!refreshHead(cq) || cq.full()) continue;
            cq.post(p.dw0(), p.sq().head, p.sq().qid, p.cid(), p.statusField());
            pending.remove(i--);
            posted++;
        }
        return posted;
    }

    EmuNamespace namespace(int nsid) {
        return nsid >= 1 && nsid <= namespaces.length ? namespaces[nsid - 1] : null;
    }

    @Override
    public void close() {
        stop();
        synchronized (lifecycle) {
            if (closed) return;
            closed = true;
        }
        for (EmuNamespace ns : namespaces) ns.backend.close();
        arena.close();
    }

    @Override
    public String toString() {
        return "NVMe model " + name + " (" + namespaces.length + " namespace" + (namespaces.length == 1 ? "" : "s")
                + ")";
    }

    /** Shape of a model. */
    public static final class Builder {
        private String name = "emu0";
        private String serial = "PEREGRINE-EMU-0001";
        private String model = "Peregrine NVMe model";
        private int maxIoQueues = 64;
        private int maxQueueEntries = 1024;
        private int mdts = 5;
        private int timeoutUnits = 4;
        private Duration readyDelay = Duration.ZERO;
        private final List<EmuBackend> backends = new ArrayList<>();
        private final List<Integer> blockSizes = new ArrayList<>();

        private Builder() {}

        public Builder name(String name) {
            this.name = Objects.requireNonNull(name);
            return this;
        }

        public Builder serial(String serial) {
            this.serial = Objects.requireNonNull(serial);
            return this;
        }

        public Builder model(String model) {
            this.model = Objects.requireNonNull(model);
            return this;
        }

        /** I/O queue pairs the controller grants at most (Number of Queues). */
        public Builder maxIoQueues(int count) {
            if (count < 1 || count > 511) throw new IllegalArgumentException("1-511 I/O queues, got " + count);
            this.maxIoQueues = count;
            return this;
        }

        /** CAP.MQES + 1. */
        public Builder maxQueueEntries(int entries) {
            if (entries < 2 || entries > 65536) throw new IllegalArgumentException("2-65536 entries, got " + entries);
            this.maxQueueEntries = entries;
            return this;
        }

        /** Identify MDTS: the largest transfer is 4 KiB << mdts (0 = unlimited). */
        public Builder mdts(int mdts) {
            if (mdts < 0 || mdts > 12) throw new IllegalArgumentException("MDTS 0-12, got " + mdts);
            this.mdts = mdts;
            return this;
        }

        /** CAP.TO in 500 ms units: how long a host waits for CSTS.RDY. */
        public Builder timeoutUnits(int units) {
            if (units < 1 || units > 255) throw new IllegalArgumentException("CAP.TO is 1-255, got " + units);
            this.timeoutUnits = units;
            return this;
        }

        /** How long CSTS.RDY takes to follow CC.EN 0 to 1. */
        public Builder readyDelay(Duration delay) {
            this.readyDelay = Objects.requireNonNull(delay);
            return this;
        }

        /** Adds a namespace of 512-byte blocks... or of {@code blockSize} with the other overload. */
        public Builder namespace(EmuBackend backend) {
            return namespace(backend, 512);
        }

        public Builder namespace(EmuBackend backend, int blockSize) {
            if (blockSize < 512 || blockSize > 65536 || Integer.bitCount(blockSize) != 1) {
                throw new IllegalArgumentException(
                        "block size must be a power of two from 512 to 65536, got " + blockSize);
            }
            backends.add(Objects.requireNonNull(backend));
            blockSizes.add(blockSize);
            return this;
        }

        public EmulatedController build() {
            if (backends.isEmpty()) throw new IllegalStateException("a model needs at least one namespace");
            return new EmulatedController(this);
        }
    }
}
