package io.peregrine.nvme.driver;

import io.peregrine.nvme.dma.DmaBlock;
import io.peregrine.nvme.dma.DmaMemory;
import io.peregrine.nvme.pci.PciConfig;
import io.peregrine.nvme.pci.PciFunction;
import io.peregrine.nvme.spec.AdminOpcode;
import io.peregrine.nvme.spec.Cns;
import io.peregrine.nvme.spec.Commands;
import io.peregrine.nvme.spec.ControllerRegisters;
import io.peregrine.nvme.spec.FeatureId;
import io.peregrine.nvme.spec.IdentifyController;
import io.peregrine.nvme.spec.Le;
import io.peregrine.nvme.spec.LogPageId;
import io.peregrine.nvme.spec.NamespaceIdDescriptor;
import io.peregrine.nvme.spec.SmartHealthLog;
import io.peregrine.nvme.spec.Status;
import io.peregrine.nvme.spec.StatusCode;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntPredicate;

/**
 * A PCIe NVMe controller driven from userspace: bring-up as a timed state machine
 * ({@link ControllerState}), the admin queue, namespaces, I/O queue pairs (one per owning thread),
 * error recovery — Abort for a timed-out command, a controller level reset when that does not help
 * or CSTS.CFS is seen — and a clean shutdown (CC.SHN) on {@link #close()}.
 *
 * <p>It runs on any {@link PciFunction}: a VFIO device or the software model. DMA memory comes
 * from the {@link DmaMemory} given; both stay the caller's to close, after this controller.
 *
 * <p>Threads: every method here is a control-path call and may be used from any thread (admin
 * commands are serialized). The data path is {@link IoQueuePair} and {@link Namespace}.
 */
public final class NvmeController implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(NvmeController.class.getName());

    private final PciFunction pci;
    private final DmaMemory dma;
    private final ControllerOptions options;
    private final Registers registers;
    private final String address;
    private final ControllerRegisters.Cap cap;
    private final int mps;
    private final long pageSize;
    private final AdminQueue admin;
    /** Held across every multi-command admin sequence and for a whole reset. */
    private final ReentrantLock adminLock = new ReentrantLock();

    private final Watchdog watchdog;
    private final Set<IoQueuePair> pairs = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean resetPending = new AtomicBoolean();
    private final AtomicLong resets = new AtomicLong();
    private volatile ControllerState state = ControllerState.DISABLING;
    private volatile int generation;
    private volatile ControllerInfo info;
    private volatile List<Namespace> namespaces = List.of();
    /**
     * Advances each time the controller is seen holding no queue at all: disabled (CC.EN=0 and
     * CSTS.RDY=0) or shut down (CSTS.SHST=10b). A queue pair created before an advance has lost
     * its queues, so their memory — and the data buffers its commands named — is ours again.
     * Written under {@link #adminLock}; queue pair owners read it to learn when the commands they
     * gave up on may be completed (see {@link IoQueuePair}).
     */
    private volatile long quiescedEpoch;
    /**
     * Queue memory of pairs closed while the controller may still have been using it (their
     * Delete timed out, or a reset had begun but not yet disabled the controller): the device
     * could still fetch SQEs and PRP lists from it and post CQEs into it, so it must not be handed
     * out again before the controller next quiesces. Guarded by {@link #adminLock}.
     */
    private final List<DmaBlock> quarantined = new ArrayList<>();

    private boolean[] queueIdsInUse = new boolean[1];
    private int grantedPairs;
    private long maxTransferBytes;
    private boolean closed;

    private NvmeController(PciFunction pci, DmaMemory dma, ControllerOptions options) {
        this.pci = pci;
        this.dma = dma;
        this.options = options;
        this.address = pci.address();
        this.registers = new Registers(pci.bar0());
        long rawCap = registers.cap();
        if (rawCap == -1L) {
            throw new NvmeException(address + ": BAR0 reads all ones: the device is not responding (gone, or its"
                    + " memory space is disabled)");
        }
        this.cap = ControllerRegisters.Cap.decode(rawCap);
        if ((cap.css() & ControllerRegisters.Cap.CSS_NVM_SUPPORTED) == 0) {
            throw new NvmeException(address + ": the controller does not support the NVM command set (CAP.CSS=0x"
                    + Integer.toHexString(cap.css()) + ")");
        }
        if (cap.mpsmin() > 0) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "{0}: memory pages are {1} bytes (CAP.MPSMIN)",
                    address,
                    cap.minPageSize());
        }
        this.mps = cap.mpsmin();
        this.pageSize = cap.minPageSize();
        this.admin = new AdminQueue(registers, dma, address, options.adminQueueEntries());
        this.watchdog = new Watchdog("nvme-watchdog-" + address, options.healthCheckInterval(), this::healthCheck);
    }

    /**
     * Brings the controller up on {@code pci} and identifies it and its namespaces. On failure the
     * exception names the state that failed and what the registers said.
     */
    public static NvmeController open(PciFunction pci, DmaMemory dma, ControllerOptions options) {
        pci.enableBusMaster();
        NvmeController controller = new NvmeController(pci, dma, options);
        try {
            controller.adminLock.lock();
            try {
                controller.bringUp(true);
            } finally {
                controller.adminLock.unlock();
            }
            controller.watchdog.start();
            return controller;
        } catch (RuntimeException e) {
            controller.state = ControllerState.FAILED;
            // the admin rings go back to the allocator only once the controller cannot use them
            if (controller.disableQuietly()) controller.admin.close();
            throw e;
        }
    }

    // ---- bring-up

    private void bringUp(boolean identifyNamespaces) {
        Duration readyLimit = readyLimit();

        state = ControllerState.DISABLING;
        int csts = registers.csts();
        if (csts == -1) throw new NvmeException(address + ": CSTS reads all ones: the device is not responding");
        int cc = registers.cc();
        if ((cc & ControllerRegisters.CC_EN) != 0) {
            if ((csts & (ControllerRegisters.CSTS_RDY | ControllerRegisters.CSTS_CFS)) == 0) {
                // EN=1 but not yet ready: the spec wants RDY to follow EN before EN changes again;
                // a controller that never gets there is disabled anyway
                try {
                    waitCsts(
                            s -> (s & (ControllerRegisters.CSTS_RDY | ControllerRegisters.CSTS_CFS)) != 0,
                            readyLimit,
                            false);
                } catch (NvmeTimeoutException e) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "{0}: CC.EN=1 but CSTS.RDY stayed 0 for {1} ms; disabling anyway",
                            address,
                            readyLimit.toMillis());
                }
            }
            registers.cc(cc & ~ControllerRegisters.CC_EN);
        }
        waitCsts(s -> (s & ControllerRegisters.CSTS_RDY) == 0, readyLimit, false);
        quiesced(); // disabled: every I/O queue is gone (NVMe 2.1 section 3.7.2)

        state = ControllerState.CONFIGURING_ADMIN_QUEUE;
        admin.reset(cap.dstrd());
        registers.write32(ControllerRegisters.AQA, ControllerRegisters.aqa(admin.entries(), admin.entries()));
        registers.write64(ControllerRegisters.ASQ, admin.sqIova());
        registers.write64(ControllerRegisters.ACQ, admin.cqIova());

        state = ControllerState.ENABLING;
        registers.cc(ControllerRegisters.ccEnable(ControllerRegisters.CSS_NVM, mps));
        waitCsts(s -> (s & ControllerRegisters.CSTS_RDY) != 0, readyLimit, true);

        state = ControllerState.IDENTIFYING_CONTROLLER;
        MemorySegment identify = admin.read(
                AdminCommand.of(AdminOpcode.IDENTIFY, 0, Commands.identifyCdw10(Cns.CONTROLLER, 0), 0),
                4096,
                options.adminTimeout());

        state = ControllerState.SETTING_NUMBER_OF_QUEUES;
        int wanted = options.ioQueuePairs();
        AdminQueue.Completion queues = admin.run(
                AdminCommand.of(
                        AdminOpcode.SET_FEATURES,
                        0,
                        Commands.setFeaturesCdw10(FeatureId.NUMBER_OF_QUEUES, false),
                        Commands.numberOfQueues(wanted, wanted)),
                options.adminTimeout());
        int granted = Math.min(
                Math.min(
                        Commands.numberOfSubmissionQueues(queues.dw0()),
                        Commands.numberOfCompletionQueues(queues.dw0())),
                wanted);
        if (info != null && granted < grantedPairs) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "{0}: after reset the controller grants {1} I/O queue pairs, not {2}",
                    address,
                    granted,
                    grantedPairs);
        }
        if (info == null) {
            grantedPairs = granted;
            queueIdsInUse = new boolean[granted + 1];
            queueIdsInUse[0] = true; // the admin queue
        }
        info = ControllerInfo.parse(address, identify, cap, registers.vs(), grantedPairs);
        long mdtsBytes = info.maxTransferBytes();
        maxTransferBytes =
                mdtsBytes == 0 ? options.maxTransferBytes() : Math.min(options.maxTransferBytes(), mdtsBytes);

        if (identifyNamespaces) {
            state = ControllerState.IDENTIFYING_NAMESPACES;
            namespaces = List.copyOf(identifyNamespaces(IdentifyController.NN.get(identify)));
        }
        state = ControllerState.READY;
    }

    private List<Namespace> identifyNamespaces(int nn) {
        List<Integer> active = new ArrayList<>();
        AdminQueue.Completion probe = admin.execute(
                AdminCommand.of(AdminOpcode.IDENTIFY, 0, Commands.identifyCdw10(Cns.ACTIVE_NAMESPACE_LIST, 0), 0)
                        .withData(4096),
                options.adminTimeout());
        if (Status.isSuccess(probe.status())) {
            MemorySegment list = admin.read(
                    AdminCommand.of(AdminOpcode.IDENTIFY, 0, Commands.identifyCdw10(Cns.ACTIVE_NAMESPACE_LIST, 0), 0),
                    4096,
                    options.adminTimeout());
            for (int i = 0; i < 1024; i++) {
                int nsid = list.get(Le.U32, 4L * i);
                if (nsid == 0) break;
                active.add(nsid);
            }
        } else {
            for (int nsid = 1; nsid <= nn; nsid++) active.add(nsid); // before NVMe 1.1: every NSID up to NN
        }
        List<Namespace> result = new ArrayList<>();
        for (int nsid : active) {
            MemorySegment ns = admin.read(
                    AdminCommand.of(AdminOpcode.IDENTIFY, nsid, Commands.identifyCdw10(Cns.NAMESPACE, 0), 0),
                    4096,
                    options.adminTimeout());
            if (io.peregrine.nvme.spec.IdentifyNamespace.NSZE.get(ns) == 0) continue; // inactive
            List<NamespaceIdDescriptor> descriptors;
            AdminQueue.Completion c = admin.execute(
                    AdminCommand.of(
                                    AdminOpcode.IDENTIFY,
                                    nsid,
                                    Commands.identifyCdw10(Cns.NAMESPACE_ID_DESCRIPTORS, 0),
                                    0)
                            .withData(4096),
                    options.adminTimeout());
            if (Status.isSuccess(c.status())) {
                descriptors = NamespaceIdDescriptor.parseList(admin.read(
                        AdminCommand.of(
                                AdminOpcode.IDENTIFY, nsid, Commands.identifyCdw10(Cns.NAMESPACE_ID_DESCRIPTORS, 0), 0),
                        4096,
                        options.adminTimeout()));
            } else {
                descriptors = List.of(); // CNS 03h is optional before NVMe 1.3
            }
            result.add(new Namespace(this, nsid, ns, descriptors));
        }
        return result;
    }

    /** How long CSTS.RDY may take to follow CC.EN: CAP.TO, and never less than 500 ms. */
    private Duration readyLimit() {
        return Duration.ofMillis(Math.max(500, cap.timeoutMillis()));
    }

    /** The current quiesced epoch: it differs from one read earlier once the device can no longer DMA. */
    long quiescedEpoch() {
        return quiescedEpoch;
    }

    /**
     * Waits until the controller quiesces after {@code epoch} (a reset disables it, or it fails and
     * is fenced), for as long as a reset may take; past that it fences the device itself. Not
     * with {@link #adminLock} held: the reset that ends the wait needs it. Answers whether the
     * device can no longer write memory (false only when even the fence failed).
     */
    boolean awaitQuiesced(long epoch) {
        long limit = readyLimit().toNanos() * (options.resetAttempts() + 1)
                + options.adminTimeout().toNanos() * 4;
        long deadline = System.nanoTime() + limit;
        while (quiescedEpoch == epoch && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (quiescedEpoch != epoch) return true;
        adminLock.lock();
        try {
            if (quiescedEpoch == epoch) fenceDma("it did not quiesce in " + limit / 1_000_000 + " ms");
            return quiescedEpoch != epoch;
        } finally {
            adminLock.unlock();
        }
    }

    /**
     * The last resort when the controller cannot be disabled or shut down: clear Bus Master Enable
     * in the PCI Command register (PCI Local Bus 3.0 section 6.2.2: with it clear the function
     * issues no memory requests — what Linux's nvme_dev_disable does through pci_disable_device),
     * so nothing the controller was given can be written any more. The controller is FAILED.
     * Called with {@link #adminLock} held.
     */
    private void fenceDma(String why) {
        state = ControllerState.FAILED;
        generation++;
        try {
            int command = pci.readConfig16(PciConfig.COMMAND);
            pci.writeConfig16(PciConfig.COMMAND, command & ~PciConfig.COMMAND_BUS_MASTER);
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.ERROR,
                    "{0}: {1}, and Bus Master Enable cannot be cleared ({2}): the I/O still in flight is"
                            + " held, with its buffers, until the device is gone",
                    address,
                    why,
                    e.getMessage());
            return;
        }
        LOG.log(
                System.Logger.Level.ERROR,
                "{0}: {1}; Bus Master Enable cleared, the controller is FAILED and can no longer reach memory",
                address,
                why);
        quiesced();
    }

    /** The controller holds no queues any more: quarantined queue memory is free to reuse. */
    private void quiesced() {
        quiescedEpoch++;
        for (DmaBlock block : quarantined) dma.free(block);
        quarantined.clear();
    }

    /**
     * After a failed bring-up: CC.EN=0 and a wait for CSTS.RDY=0. Answers whether the controller
     * is now disabled, so that memory it was given may be freed.
     */
    private boolean disableQuietly() {
        try {
            registers.cc(registers.cc() & ~ControllerRegisters.CC_EN);
            waitCsts(s -> (s & ControllerRegisters.CSTS_RDY) == 0, readyLimit(), false);
            return true;
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "{0}: the controller did not disable after a failed bring-up ({1}); its admin queue"
                            + " memory stays allocated until the DMA memory is closed",
                    address,
                    e.getMessage());
            return false;
        }
    }

    private void waitCsts(IntPredicate done, Duration limit, boolean failOnFatal) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            int csts = registers.csts();
            if (csts == -1) {
                throw new NvmeException(
                        address + ": CSTS reads all ones in " + state + ": the device stopped responding");
            }
            if (failOnFatal && (csts & ControllerRegisters.CSTS_CFS) != 0) {
                throw new NvmeException(address + ": controller fatal status (CSTS.CFS) in " + state + " ("
                        + state.meaning() + "); CSTS=0x" + Integer.toHexString(csts));
            }
            if (done.test(csts)) return;
            if (System.nanoTime() - deadline > 0) {
                throw new NvmeTimeoutException(
                        address + ": timed out after " + limit.toMillis() + " ms in " + state + " ("
                                + state.meaning() + "); CC=0x" + Integer.toHexString(registers.cc()) + " CSTS=0x"
                                + Integer.toHexString(csts));
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NvmeException(address + ": interrupted in " + state);
            }
        }
    }

    // ---- public view

    public String address() {
        return address;
    }

    public ControllerState state() {
        return state;
    }

    public ControllerInfo info() {
        return info;
    }

    public List<Namespace> namespaces() {
        return namespaces;
    }

    public Optional<Namespace> namespace(int nsid) {
        return namespaces.stream().filter(n -> n.nsid() == nsid).findFirst();
    }

    /** The largest data transfer of one command: MDTS, capped by {@link ControllerOptions#maxTransferBytes()}. */
    public long maxTransferBytes() {
        return maxTransferBytes;
    }

    /** Controller level resets since bring-up. */
    public long resets() {
        return resets.get();
    }

    /** Advances with each reset; queue pairs compare it to know they must reconnect. */
    int generation() {
        return generation;
    }

    public DmaMemory dmaMemory() {
        return dma;
    }

    // ---- queue pairs

    public IoQueuePair createIoQueuePair() {
        return createIoQueuePair(QueuePairOptions.defaults());
    }

    /**
     * Creates an I/O queue pair. The thread that first submits on it or polls it owns it; see
     * {@link IoQueuePair} for the contract.
     */
    public IoQueuePair createIoQueuePair(QueuePairOptions queueOptions) {
        int entries = queueOptions.entries() == 0 ? options.ioQueueEntries() : queueOptions.entries();
        entries = Math.min(entries, cap.maxQueueEntries());
        adminLock.lock();
        try {
            requireReady();
            int qid = 0;
            for (int i = 1; i < queueIdsInUse.length; i++) {
                if (!queueIdsInUse[i]) {
                    qid = i;
                    break;
                }
            }
            if (qid == 0) {
                throw new NvmeException(
                        address + ": all " + grantedPairs + " I/O queue pairs the controller granted are"
                                + " in use; close one, or ask for more with ControllerOptions.ioQueuePairs");
            }
            IoQueuePair pair = new IoQueuePair(
                    this,
                    registers,
                    dma,
                    qid,
                    entries,
                    cap.dstrd(),
                    pageSize,
                    maxTransferBytes,
                    queueOptions.batchDoorbells(),
                    options.ioTimeout().toNanos(),
                    generation);
            queueIdsInUse[qid] = true;
            try {
                createQueues(pair);
            } catch (RuntimeException e) {
                queueIdsInUse[qid] = false;
                pair.close();
                throw e;
            }
            pair.markConnected(generation);
            pairs.add(pair);
            return pair;
        } finally {
            adminLock.unlock();
        }
    }

    private void createQueues(IoQueuePair pair) {
        pair.resetRings();
        pair.queuesEpoch = quiescedEpoch;
        admin.run(
                AdminCommand.of(
                                AdminOpcode.CREATE_IO_CQ,
                                0,
                                Commands.createQueueCdw10(pair.qid, pair.entries),
                                Commands.createIoCqCdw11(true, false, 0))
                        .withPrp1(pair.cqIova()),
                options.adminTimeout());
        try {
            admin.run(
                    AdminCommand.of(
                                    AdminOpcode.CREATE_IO_SQ,
                                    0,
                                    Commands.createQueueCdw10(pair.qid, pair.entries),
                                    Commands.createIoSqCdw11(true, 0, pair.qid))
                            .withPrp1(pair.sqIova()),
                    options.adminTimeout());
        } catch (NvmeException e) {
            admin.execute(
                    AdminCommand.of(AdminOpcode.DELETE_IO_CQ, 0, Commands.deleteQueueCdw10(pair.qid), 0),
                    options.adminTimeout());
            throw e;
        }
    }

    /** Called by a queue pair's owner after a reset: recreates its queues if the controller is still at {@code expected}. */
    void reconnect(IoQueuePair pair, int expected) {
        adminLock.lock();
        try {
            if (generation != expected || state != ControllerState.READY) {
                throw new NvmeException(address + " is " + state + ", not ready");
            }
            createQueues(pair);
            pair.markConnected(expected);
        } finally {
            adminLock.unlock();
        }
    }

    /**
     * Deletes a closing pair's queues on the controller and takes its queue memory ({@code memory}:
     * rings and PRP lists) back. The memory is freed only once the controller can no longer touch
     * it: its queues were deleted (or do not exist), or the controller quiesced since they were
     * created. Otherwise — a Delete timed out, or a reset has begun but not yet disabled the
     * controller — it is quarantined until the controller next quiesces: handing it out again
     * would let the device post completions into, or fetch commands from, someone else's buffer.
     */
    boolean releaseQueuePair(IoQueuePair pair, List<DmaBlock> memory) {
        adminLock.lock();
        try {
            boolean gone = pair.queuesEpoch != quiescedEpoch;
            if (!gone && state == ControllerState.READY) {
                gone = deleteQueues(pair);
            }
            if (gone) {
                for (DmaBlock block : memory) dma.free(block);
            } else {
                quarantined.addAll(memory);
                LOG.log(
                        System.Logger.Level.WARNING,
                        "{0}: I/O queue {1} may still be in use by the controller ({2}); its memory is kept"
                                + " until the controller is reset",
                        address,
                        pair.qid,
                        state);
            }
            if (pair.qid < queueIdsInUse.length) queueIdsInUse[pair.qid] = false;
            pairs.remove(pair);
            return gone;
        } finally {
            adminLock.unlock();
        }
    }

    /** Delete I/O SQ, then CQ; answers whether both are gone from the controller. */
    private boolean deleteQueues(IoQueuePair pair) {
        // SQ first: a CQ may not be deleted while an SQ still posts to it
        for (AdminOpcode op : new AdminOpcode[] {AdminOpcode.DELETE_IO_SQ, AdminOpcode.DELETE_IO_CQ}) {
            try {
                AdminQueue.Completion c = admin.execute(
                        AdminCommand.of(op, 0, Commands.deleteQueueCdw10(pair.qid), 0), options.adminTimeout());
                // Invalid Queue Identifier: it never existed (its Create failed), so it is gone too
                if (!Status.isSuccess(c.status()) && !Status.is(c.status(), StatusCode.INVALID_QUEUE_IDENTIFIER)) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "{0}: {1} {2}: {3}",
                            address,
                            op.specName(),
                            pair.qid,
                            Status.describe(c.status()));
                    return false;
                }
            } catch (NvmeTimeoutException e) {
                LOG.log(System.Logger.Level.WARNING, e.getMessage());
                requestReset("deleting I/O queue " + pair.qid + " timed out");
                return false;
            }
        }
        return true;
    }

    // ---- logs

    /** Get Log Page, SMART / Health Information (02h), controller-wide. */
    public SmartHealth smartHealth() {
        adminLock.lock();
        try {
            requireReady();
            return SmartHealth.parse(admin.read(
                    AdminCommand.of(
                            AdminOpcode.GET_LOG_PAGE,
                            Commands.NSID_ALL,
                            Commands.getLogPageCdw10(LogPageId.SMART_HEALTH.value(), SmartHealthLog.SIZE, false),
                            Commands.getLogPageCdw11(SmartHealthLog.SIZE)),
                    (int) SmartHealthLog.SIZE,
                    options.adminTimeout()));
        } finally {
            adminLock.unlock();
        }
    }

    /** Get Log Page, Error Information (01h): the used entries, newest first. */
    public List<ErrorInfo> errorLog() {
        adminLock.lock();
        try {
            requireReady();
            int entries = Math.min(info.errorLogEntries(), 64);
            int bytes = entries * 64;
            return ErrorInfo.parse(
                    admin.read(
                            AdminCommand.of(
                                    AdminOpcode.GET_LOG_PAGE,
                                    0,
                                    Commands.getLogPageCdw10(LogPageId.ERROR_INFORMATION.value(), bytes, false),
                                    Commands.getLogPageCdw11(bytes)),
                            bytes,
                            options.adminTimeout()),
                    entries);
        } finally {
            adminLock.unlock();
        }
    }

    private void requireReady() {
        if (state != ControllerState.READY) {
            throw new NvmeException(address + " is " + state + " (" + state.meaning() + "), not ready");
        }
    }

    // ---- error recovery

    /** A queue pair's command timed out: the watchdog sends Abort for it. */
    void requestAbort(IoQueuePair pair, int cid, int opcode, long lba, long timeoutNanos) {
        LOG.log(
                System.Logger.Level.WARNING,
                "{0}: I/O queue {1} CID {2} (opcode 0x{3}, LBA {4}) has not completed in {5} ms; sending Abort",
                address,
                pair.qid,
                cid,
                Integer.toHexString(opcode),
                lba,
                timeoutNanos / 1_000_000);
        watchdog.submit(() -> abort(pair.qid, cid));
    }

    private void abort(int sqid, int cid) {
        adminLock.lock();
        try {
            if (state != ControllerState.READY) return;
            AdminQueue.Completion c = admin.execute(
                    AdminCommand.of(AdminOpcode.ABORT, 0, Commands.abortCdw10(sqid, cid), 0), options.adminTimeout());
            if (!Status.isSuccess(c.status())) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "{0}: Abort of queue {1} CID {2} failed: {3}",
                        address,
                        sqid,
                        cid,
                        Status.describe(c.status()));
            } else if (Commands.abortNotPerformed(c.dw0())) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "{0}: the controller did not abort queue {1} CID {2}; a reset will"
                                + " follow if it does not complete",
                        address,
                        sqid,
                        cid);
            }
        } catch (NvmeTimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage());
            resetController("Abort timed out");
        } finally {
            adminLock.unlock();
        }
    }

    /** Asks the watchdog for a controller reset; several requests before it runs make one reset. */
    void requestReset(String reason) {
        if (resetPending.compareAndSet(false, true)) {
            watchdog.submit(() -> {
                resetPending.set(false);
                resetController(reason);
            });
        }
    }

    /** Resets the controller now, on the calling thread (a control-path call). */
    public void reset() {
        resetController("requested");
    }

    private void resetController(String reason) {
        if (state == ControllerState.FAILED || state == ControllerState.SHUT_DOWN || closed) return;
        LOG.log(System.Logger.Level.WARNING, "{0}: controller level reset: {1}", address, reason);
        // owners see the new generation at once, fail what they have in flight, and stop submitting
        state = ControllerState.RESETTING;
        generation++;
        adminLock.lock();
        try {
            long epoch = quiescedEpoch;
            NvmeException last = null;
            for (int attempt = 1; attempt <= options.resetAttempts(); attempt++) {
                try {
                    bringUp(false);
                    resets.incrementAndGet();
                    LOG.log(System.Logger.Level.INFO, "{0}: reset done ({1}); queue pairs reconnect", address, reason);
                    return;
                } catch (NvmeException e) {
                    last = e;
                    state = ControllerState.RESETTING;
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "{0}: reset attempt {1} failed: {2}",
                            address,
                            attempt,
                            e.getMessage());
                }
            }
            state = ControllerState.FAILED;
            generation++;
            LOG.log(
                    System.Logger.Level.ERROR,
                    "{0}: controller FAILED after {1} reset attempts: {2}",
                    address,
                    options.resetAttempts(),
                    last == null ? reason : last.getMessage());
            // never disabled: the device may still be writing what the I/O in flight named
            if (quiescedEpoch == epoch) fenceDma("the reset never disabled the controller");
        } finally {
            adminLock.unlock();
        }
    }

    private void healthCheck() {
        if (state != ControllerState.READY) return;
        int csts = registers.csts();
        if (csts == -1) {
            adminLock.lock();
            try {
                fenceDma("CSTS reads all ones: the device is gone or hung");
            } finally {
                adminLock.unlock();
            }
        } else if ((csts & ControllerRegisters.CSTS_CFS) != 0) {
            resetController("controller fatal status (CSTS.CFS=1)");
        }
    }

    // ---- shutdown

    /**
     * Deletes the I/O queues still open, shuts the controller down (CC.SHN=01b, waits for
     * CSTS.SHST=10b) and frees the admin queue. Queue pairs still open fail their commands with
     * "Command Aborted By Host" at their owners' next poll; owners should close them first.
     */
    @Override
    public void close() {
        watchdog.close();
        adminLock.lock();
        try {
            if (closed) return;
            closed = true;
            ControllerState before = state;
            long epoch = quiescedEpoch;
            generation++;
            if (before == ControllerState.READY) {
                for (IoQueuePair pair : List.copyOf(pairs)) {
                    for (AdminOpcode op : new AdminOpcode[] {AdminOpcode.DELETE_IO_SQ, AdminOpcode.DELETE_IO_CQ}) {
                        try {
                            admin.execute(
                                    AdminCommand.of(op, 0, Commands.deleteQueueCdw10(pair.qid), 0),
                                    options.adminTimeout());
                        } catch (NvmeException e) {
                            LOG.log(System.Logger.Level.WARNING, e.getMessage());
                        }
                    }
                }
            }
            if (before == ControllerState.READY || before == ControllerState.RESETTING) {
                state = ControllerState.SHUTTING_DOWN;
                registers.cc((registers.cc() & ~ControllerRegisters.CC_SHN_MASK)
                        | (ControllerRegisters.SHN_NORMAL << ControllerRegisters.CC_SHN_SHIFT));
                long rtd3e = info == null ? 0 : info.rtd3eMicros();
                Duration limit = rtd3e > 0 ? Duration.ofNanos(rtd3e * 1000) : options.shutdownTimeout();
                try {
                    waitCsts(
                            s -> ControllerRegisters.cstsShst(s) == ControllerRegisters.SHST_COMPLETE,
                            limit.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : limit,
                            false);
                    quiesced(); // shut down: it processes no queue until it is reset
                } catch (NvmeException e) {
                    LOG.log(System.Logger.Level.WARNING, "{0}: shutdown incomplete: {1}", address, e.getMessage());
                }
            } else if (before == ControllerState.FAILED && disableQuietly()) {
                quiesced();
            }
            if (quiescedEpoch == epoch && before != ControllerState.FAILED) {
                fenceDma("it did not shut down"); // owners still polling may then complete their I/O
            }
            state = ControllerState.SHUT_DOWN;
            pairs.clear();
            if (quiescedEpoch != epoch) {
                admin.close();
            } else {
                // not quiesced: the admin queue and the quarantined queues stay mapped until the
                // DMA memory is closed, which takes them out of the IOMMU before unmapping them
                LOG.log(
                        System.Logger.Level.WARNING,
                        "{0}: the controller did not shut down; its queue memory stays allocated until the DMA"
                                + " memory is closed",
                        address);
            }
        } finally {
            adminLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "NVMe controller " + address + " (" + state + ")";
    }
}
