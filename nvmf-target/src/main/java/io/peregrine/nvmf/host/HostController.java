package io.peregrine.nvmf.host;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.peregrine.nvme.spec.AdminOpcode;
import io.peregrine.nvme.spec.Cns;
import io.peregrine.nvme.spec.Commands;
import io.peregrine.nvme.spec.ControllerRegisters;
import io.peregrine.nvme.spec.FabricsCommandType;
import io.peregrine.nvme.spec.FeatureId;
import io.peregrine.nvme.spec.IdentifyController;
import io.peregrine.nvme.spec.IdentifyNamespace;
import io.peregrine.nvme.spec.NamespaceIdDescriptor;
import io.peregrine.nvme.spec.Sqe;
import io.peregrine.nvme.spec.Status;
import io.peregrine.nvme.spec.StatusCode;
import io.peregrine.nvmf.fabrics.spec.ConnectData;
import io.peregrine.nvmf.fabrics.spec.ConnectResponse;
import io.peregrine.nvmf.fabrics.spec.FabricsCommand;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A connected remote controller: the admin queue, the I/O queues and the keep-alive timer, with
 * the admin commands a host needs (Identify, Get Log Page, features, properties). Like the Linux
 * host, connecting enables the controller and closing shuts it down (CC.SHN) before the
 * connections go.
 *
 * <p>Losing the controller fails everything at once: when the admin queue's connection goes, or a
 * Keep Alive stays unanswered for KATO (the controller would have given up on us by then, TCP
 * Transport 1.1 and Base 2.1 3.9), every I/O queue is failed too, so no command waits on a
 * controller that is gone.
 */
public final class HostController implements AutoCloseable {
    private static final int ADMIN_QUEUE_ENTRIES = 32;
    private static final int IDENTIFY_SIZE = 4096;

    private final HostOptions options;
    private final HostQueue admin;
    private final List<HostQueue> ioQueues = new ArrayList<>();
    private int cntlid;
    private long cap;
    private MemorySegment identify;
    private ScheduledFuture<?> keepAlive;
    private CompletableFuture<HostCompletion> keepAliveInFlight;
    private long keepAliveSentNanos;
    private volatile boolean closed;

    private HostController(HostOptions options, HostQueue admin) {
        this.options = options;
        this.admin = admin;
    }

    static HostController connect(NvmeTcpHost host, HostOptions options) {
        Iterator<io.netty.util.concurrent.EventExecutor> loops =
                host.eventLoopGroup().iterator();
        EventLoop adminLoop = (EventLoop) loops.next();
        HostQueue adminQueue = host.openQueue(0, options, ADMIN_QUEUE_ENTRIES, adminLoop);
        HostController controller = new HostController(options, adminQueue);
        try {
            controller.cntlid = controller.connectQueue(
                    adminQueue, ConnectData.CNTLID_DYNAMIC, ADMIN_QUEUE_ENTRIES, (int)
                            options.keepAlive().toMillis());
            controller.enable();
            controller.identify = MemorySegment.ofArray(controller.identify(Cns.CONTROLLER, 0));
            int ioccsz = IdentifyController.IOCCSZ.get(controller.identify);
            int maxcmd = IdentifyController.MAXCMD.get(controller.identify);
            int entries = maxcmd > 0 ? Math.min(options.queueSize(), maxcmd) : options.queueSize();
            int granted = options.ioQueues();
            if (granted > 0) {
                HostCompletion queues = controller
                        .admin(
                                sqe -> {
                                    Sqe.opcode(sqe, 0, AdminOpcode.SET_FEATURES.value());
                                    Sqe.cdw10(sqe, 0, Commands.setFeaturesCdw10(FeatureId.NUMBER_OF_QUEUES, false));
                                    Sqe.cdw11(sqe, 0, Commands.numberOfQueues(options.ioQueues(), options.ioQueues()));
                                },
                                null,
                                0)
                        .orThrow("Set Features (Number of Queues)");
                granted = Math.min(
                        granted,
                        Math.min(
                                Commands.numberOfSubmissionQueues(queues.dw0()),
                                Commands.numberOfCompletionQueues(queues.dw0())));
            }
            for (int qid = 1; qid <= granted; qid++) {
                EventLoop loop = (EventLoop)
                        (loops.hasNext()
                                ? loops.next()
                                : (loops = host.eventLoopGroup().iterator()).next());
                HostQueue queue = host.openQueue(qid, options, entries, loop);
                controller.ioQueues.add(queue);
                queue.capsuleDataLimit(Math.max(0, ioccsz * 16 - 64));
                controller.connectQueue(queue, controller.cntlid, entries, 0);
            }
            controller.watchAdminQueue();
            controller.startKeepAlive();
            return controller;
        } catch (RuntimeException e) {
            controller.closeConnections();
            throw e;
        }
    }

    /** Sends Connect on {@code queue}; returns the CNTLID. */
    private int connectQueue(HostQueue queue, int requestedCntlid, int entries, int katoMillis) {
        ByteBuf data = queue.alloc().heapBuffer((int) ConnectData.SIZE);
        data.writeZero((int) ConnectData.SIZE);
        MemorySegment d = MemorySegment.ofArray(data.array()).asSlice(data.arrayOffset(), ConnectData.SIZE);
        byte[] hostId = new byte[16];
        for (int i = 0; i < 8; i++) {
            hostId[i] = (byte) (options.hostId().getMostSignificantBits() >>> (56 - 8 * i));
            hostId[8 + i] = (byte) (options.hostId().getLeastSignificantBits() >>> (56 - 8 * i));
        }
        ConnectData.HOSTID.set(d, hostId);
        ConnectData.CNTLID.set(d, requestedCntlid);
        ConnectData.SUBNQN.set(d, options.subsystemNqn());
        ConnectData.HOSTNQN.set(d, options.hostNqn());
        int qid = queue.qid();
        HostCompletion done = await(
                queue.execute(
                        sqe -> {
                            Sqe.opcode(sqe, 0, FabricsCommand.OPCODE);
                            FabricsCommand.FCTYPE.set(sqe, FabricsCommandType.CONNECT.value());
                            FabricsCommand.CONNECT_RECFMT.set(sqe, FabricsCommand.RECFMT_0);
                            FabricsCommand.CONNECT_QID.set(sqe, qid);
                            FabricsCommand.CONNECT_SQSIZE.set(sqe, entries - 1);
                            FabricsCommand.CONNECT_CATTR.set(
                                    sqe,
                                    options.disableSqFlowControl() ? FabricsCommand.CATTR_DISABLE_SQ_FLOW_CONTROL : 0);
                            FabricsCommand.CONNECT_KATO.set(sqe, katoMillis);
                        },
                        data,
                        0),
                options.timeout(),
                "Connect of queue " + qid);
        if (!done.success()) {
            String where = Status.is(done.status(), StatusCode.CONNECT_INVALID_PARAMETERS)
                    ? " (invalid " + (ConnectResponse.iattrData(done.dw0()) ? "Connect data" : "SQE")
                            + " field at byte " + ConnectResponse.ipo(done.dw0()) + ")"
                    : "";
            throw new NvmeException(
                    "Connect of queue " + qid + " to " + options.subsystemNqn() + " as " + options.hostNqn()
                            + " was refused" + where,
                    done.status());
        }
        return ConnectResponse.cntlid(done.dw0());
    }

    private void enable() {
        cap = propertyGet(ControllerRegisters.CAP, true);
        int cc = ControllerRegisters.ccEnable(ControllerRegisters.CSS_NVM, 0);
        propertySet(ControllerRegisters.CC, cc);
        long deadline =
                System.nanoTime() + Math.max(ControllerRegisters.Cap.decode(cap).timeoutMillis(), 500) * 1_000_000L;
        while (true) {
            int csts = (int) propertyGet(ControllerRegisters.CSTS, false);
            if ((csts & ControllerRegisters.CSTS_CFS) != 0) {
                throw new NvmeException("the controller reported a fatal status (CSTS.CFS) when enabled", -1);
            }
            if ((csts & ControllerRegisters.CSTS_RDY) != 0) return;
            if (System.nanoTime() > deadline)
                throw new NvmeException("the controller did not become ready in CAP.TO", -1);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NvmeException("interrupted while enabling the controller", e);
            }
        }
    }

    /** The controller lives as long as its admin queue: when that goes, the I/O queues go too. */
    private void watchAdminQueue() {
        admin.closeFuture().thenRun(() -> {
            if (!closed) fail("admin queue lost: " + admin.closeReason());
        });
    }

    private void startKeepAlive() {
        long kato = options.keepAlive().toMillis();
        if (kato <= 0) return;
        // like Linux: a Keep Alive every KATO/2 leaves a whole half KATO for delays
        keepAlive =
                admin.eventLoop().scheduleAtFixedRate(() -> keepAlive(kato), kato / 2, kato / 2, TimeUnit.MILLISECONDS);
    }

    /** On the admin loop, every KATO/2: sends a Keep Alive, or fails the controller if the last is overdue. */
    private void keepAlive(long kato) {
        if (closed) return;
        if (keepAliveInFlight != null && !keepAliveInFlight.isDone()) {
            if (System.nanoTime() - keepAliveSentNanos > TimeUnit.MILLISECONDS.toNanos(kato)) {
                fail("the controller did not answer Keep Alive within KATO (" + kato + " ms)");
            }
            return;
        }
        keepAliveSentNanos = System.nanoTime();
        keepAliveInFlight = admin.execute(sqe -> Sqe.opcode(sqe, 0, AdminOpcode.KEEP_ALIVE.value()), null, 0);
        keepAliveInFlight.thenAccept(done -> {
            if (!done.success() && !closed) fail("Keep Alive failed: " + Status.describe(done.status()));
        });
    }

    /**
     * Gives up on the controller (any thread): every queue's connection is closed and its
     * outstanding commands fail with Host Pathing Error, each queue reporting {@code reason}.
     */
    public void fail(String reason) {
        for (HostQueue queue : ioQueues) queue.fail(reason);
        admin.fail(reason);
    }

    // ------------------------------------------------------------------ what a host asks

    public HostOptions options() {
        return options;
    }

    public int cntlid() {
        return cntlid;
    }

    /** The controller's CAP property. */
    public long capabilities() {
        return cap;
    }

    /** The Identify Controller data read when connecting. */
    public MemorySegment identifyController() {
        return MemorySegment.ofArray(identify.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
    }

    public HostQueue adminQueue() {
        return admin;
    }

    public List<HostQueue> ioQueues() {
        return List.copyOf(ioQueues);
    }

    /** Identify with {@code cns} for {@code nsid}: the 4096-byte answer. */
    public byte[] identify(Cns cns, int nsid) {
        return admin(
                        sqe -> {
                            Sqe.opcode(sqe, 0, AdminOpcode.IDENTIFY.value());
                            Sqe.nsid(sqe, 0, nsid);
                            Sqe.cdw10(sqe, 0, Commands.identifyCdw10(cns, 0));
                        },
                        null,
                        IDENTIFY_SIZE)
                .orThrow("Identify (CNS " + cns + ", NSID " + nsid + ")")
                .data();
    }

    public MemorySegment identifyNamespace(int nsid) {
        return MemorySegment.ofArray(identify(Cns.NAMESPACE, nsid));
    }

    /** The active NSIDs, ascending. */
    public List<Integer> activeNamespaces() {
        MemorySegment list = MemorySegment.ofArray(identify(Cns.ACTIVE_NAMESPACE_LIST, 0));
        List<Integer> nsids = new ArrayList<>();
        for (long offset = 0; offset < IDENTIFY_SIZE; offset += 4) {
            int nsid = list.get(io.peregrine.nvme.spec.Le.U32, offset);
            if (nsid == 0) break;
            nsids.add(nsid);
        }
        return nsids;
    }

    public List<NamespaceIdDescriptor> namespaceDescriptors(int nsid) {
        return NamespaceIdDescriptor.parseList(MemorySegment.ofArray(identify(Cns.NAMESPACE_ID_DESCRIPTORS, nsid)));
    }

    /** Block size and block count of namespace {@code nsid}. */
    public NamespaceInfo namespace(int nsid) {
        MemorySegment id = identifyNamespace(nsid);
        return new NamespaceInfo(nsid, IdentifyNamespace.formatted(id).blockSize(), IdentifyNamespace.NSZE.get(id));
    }

    /** A namespace's geometry. */
    public record NamespaceInfo(int nsid, int blockSize, long blocks) {}

    /** Get Log Page: {@code bytes} of log {@code lid} from {@code offset}. */
    public byte[] getLogPage(int lid, int nsid, int bytes, long offset, boolean retainEvent) {
        return admin(
                        sqe -> {
                            Sqe.opcode(sqe, 0, AdminOpcode.GET_LOG_PAGE.value());
                            Sqe.nsid(sqe, 0, nsid);
                            Sqe.cdw10(sqe, 0, Commands.getLogPageCdw10(lid, bytes, retainEvent));
                            Sqe.cdw11(sqe, 0, Commands.getLogPageCdw11(bytes));
                            Sqe.cdw12(sqe, 0, (int) offset);
                            Sqe.cdw13(sqe, 0, (int) (offset >>> 32));
                        },
                        null,
                        bytes)
                .orThrow("Get Log Page " + lid)
                .data();
    }

    public long propertyGet(int offset, boolean eightBytes) {
        HostCompletion done = admin(
                        sqe -> {
                            Sqe.opcode(sqe, 0, FabricsCommand.OPCODE);
                            FabricsCommand.FCTYPE.set(sqe, FabricsCommandType.PROPERTY_GET.value());
                            FabricsCommand.PROPERTY_ATTRIB.set(
                                    sqe, eightBytes ? FabricsCommand.ATTRIB_SIZE_8 : FabricsCommand.ATTRIB_SIZE_4);
                            FabricsCommand.PROPERTY_OFST.set(sqe, offset);
                        },
                        null,
                        0)
                .orThrow("Property Get 0x" + Integer.toHexString(offset));
        return (done.dw0() & 0xffff_ffffL) | ((long) done.dw1() << 32);
    }

    public void propertySet(int offset, int value) {
        admin(
                        sqe -> {
                            Sqe.opcode(sqe, 0, FabricsCommand.OPCODE);
                            FabricsCommand.FCTYPE.set(sqe, FabricsCommandType.PROPERTY_SET.value());
                            FabricsCommand.PROPERTY_ATTRIB.set(sqe, FabricsCommand.ATTRIB_SIZE_4);
                            FabricsCommand.PROPERTY_OFST.set(sqe, offset);
                            FabricsCommand.PROPERTY_VALUE.set(sqe, value & 0xffff_ffffL);
                        },
                        null,
                        0)
                .orThrow("Property Set 0x" + Integer.toHexString(offset));
    }

    /** Any admin command; blocks until it completes (never on an event loop). */
    public HostCompletion admin(java.util.function.Consumer<MemorySegment> sqe, ByteBuf out, int inLength) {
        return await(admin.execute(sqe, out, inLength), options.timeout(), "admin command");
    }

    // ------------------------------------------------------------------ teardown

    /**
     * Shuts the controller down: stops keep-alive, closes the I/O queues, sets CC.SHN and waits
     * (briefly) for CSTS.SHST, then closes the admin queue.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (keepAlive != null) keepAlive.cancel(false);
        for (HostQueue queue : ioQueues) {
            queue.close();
            queue.closeFuture()
                    .orTimeout(options.timeout().toMillis(), TimeUnit.MILLISECONDS)
                    .exceptionally(e -> null)
                    .join();
        }
        if (admin.phase() == HostQueue.Phase.LIVE) {
            try {
                int cc = (int) propertyGet(ControllerRegisters.CC, false);
                propertySet(
                        ControllerRegisters.CC,
                        (cc & ~ControllerRegisters.CC_SHN_MASK)
                                | (ControllerRegisters.SHN_NORMAL << ControllerRegisters.CC_SHN_SHIFT));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                while (System.nanoTime() < deadline) {
                    int csts = (int) propertyGet(ControllerRegisters.CSTS, false);
                    if (ControllerRegisters.cstsShst(csts) == ControllerRegisters.SHST_COMPLETE) break;
                    Thread.sleep(10);
                }
            } catch (NvmeException e) {
                // the controller is gone already: nothing left to shut down
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeConnections();
    }

    private void closeConnections() {
        for (HostQueue queue : ioQueues) queue.close();
        admin.close();
        admin.closeFuture()
                .orTimeout(options.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(e -> null)
                .join();
    }

    static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new NvmeException(what + " timed out after " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof NvmeException nvme) throw nvme;
            throw new NvmeException(what + " failed", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NvmeException(what + " was interrupted", e);
        }
    }
}
