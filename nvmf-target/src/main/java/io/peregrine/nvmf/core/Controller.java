package io.peregrine.nvmf.core;

import io.netty.util.concurrent.ScheduledFuture;
import io.peregrine.nvme.spec.ControllerRegisters;
import io.peregrine.nvme.spec.StatusCode;
import io.peregrine.nvmf.fabrics.spec.AsyncEvent;
import io.peregrine.nvmf.fabrics.spec.ChangedNamespaceList;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A controller of the dynamic controller model: created by a host's admin-queue Connect, joined by
 * its I/O-queue Connects, and gone when the admin queue goes, the keep-alive timer expires, or the
 * host loses access. Holds what NVMe puts in a controller: CC/CSTS, features, the keep-alive
 * timer, asynchronous events, the error and changed-namespace logs.
 *
 * <p>Control state is guarded by the controller's monitor: the admin queue, I/O-queue Connects on
 * other event loops and management threads all touch it, never on the I/O path. Timers run on the
 * admin queue's event loop.
 */
public final class Controller {
    private static final Logger LOG = Logger.getLogger(Controller.class.getName());

    /** Asynchronous Event Request Limit: how many AERs a host may have outstanding (AERL + 1). */
    public static final int AER_LIMIT = 4;

    /** Where a controller is in its life. */
    public enum State {
        /** Connected; CC/CSTS tell whether it is enabled. */
        LIVE,
        /** Failed or disconnected: queues are being torn down, the CNTLID is released. */
        DEAD
    }

    private final Subsystem subsystem;
    private final int cntlid;
    private final String hostNqn;
    private final UUID hostId;
    private final QueuePair[] queues;
    private final ArrayDeque<Request> aers = new ArrayDeque<>();
    private final ArrayDeque<AsyncEvent> pendingEvents = new ArrayDeque<>();
    private final TreeSet<Integer> changedNamespaces = new TreeSet<>();
    private final ErrorLog errorLog = new ErrorLog();
    /** Counters of queues that were closed, so SMART keeps counting what they did. */
    private final long[] closedQueues = new long[4];

    private State state = State.LIVE;
    private int cc;
    private int csts;
    private int kato;
    private int asyncEventConfig;
    private int maskedEvents;
    private boolean changedOverflow;
    private volatile long lastKeepAlive = System.nanoTime();
    private ScheduledFuture<?> keepAliveTimer;

    Controller(Subsystem subsystem, int cntlid, String hostNqn, UUID hostId) {
        this.subsystem = subsystem;
        this.cntlid = cntlid;
        this.hostNqn = hostNqn;
        this.hostId = hostId;
        this.queues = new QueuePair[subsystem.target().limits().maxIoQueues() + 1];
        // namespace attribute notices are on until the host says otherwise (Linux does the same)
        this.asyncEventConfig = subsystem.type() == Subsystem.Type.DISCOVERY
                ? AsyncEvent.DISCOVERY_LOG_CHANGED.configBit()
                : AsyncEvent.NAMESPACE_ATTRIBUTE_CHANGED.configBit();
    }

    public Subsystem subsystem() {
        return subsystem;
    }

    public int cntlid() {
        return cntlid;
    }

    public String hostNqn() {
        return hostNqn;
    }

    public UUID hostId() {
        return hostId;
    }

    public boolean discovery() {
        return subsystem.type() == Subsystem.Type.DISCOVERY;
    }

    public synchronized State state() {
        return state;
    }

    // ------------------------------------------------------------------ queues

    /** Binds the admin queue (QID 0) and starts the keep-alive timer. */
    public synchronized void attachAdminQueue(QueuePair queue, int katoMillis) {
        queues[0] = queue;
        kato = katoMillis;
        touchKeepAlive();
        armKeepAlive();
    }

    /**
     * Binds I/O queue {@code qid}; returns 0 or the status explaining why not (the controller is
     * not enabled, or the QID is taken).
     */
    public synchronized int attachIoQueue(QueuePair queue, int qid) {
        if (state != State.LIVE || (csts & ControllerRegisters.CSTS_RDY) == 0) {
            return StatusCode.COMMAND_SEQUENCE_ERROR.fieldDnr();
        }
        if (queues[qid] != null) return StatusCode.COMMAND_SEQUENCE_ERROR.fieldDnr();
        queues[qid] = queue;
        return 0;
    }

    /**
     * The queues connected now, the admin queue (QID 0) first: what a management view reports as
     * the host's connections and queue depth. A snapshot; the queues' own counters are read racily.
     */
    public synchronized java.util.List<QueuePair> queues() {
        java.util.List<QueuePair> list = new java.util.ArrayList<>();
        for (QueuePair queue : queues) if (queue != null) list.add(queue);
        return list;
    }

    /** The largest I/O QID a host may connect. */
    public int maxIoQueues() {
        return queues.length - 1;
    }

    /** A queue's connection is gone; losing the admin queue ends the controller. */
    void queueClosed(QueuePair queue) {
        boolean admin;
        synchronized (this) {
            int qid = queue.qid();
            if (qid < 0 || qid >= queues.length || queues[qid] != queue) return;
            queues[qid] = null;
            closedQueues[0] += queue.readCommands.get();
            closedQueues[1] += queue.writeCommands.get();
            closedQueues[2] += queue.bytesRead.get();
            closedQueues[3] += queue.bytesWritten.get();
            admin = qid == 0;
        }
        if (admin) fail("the admin queue was closed");
    }

    /**
     * Ends the controller: sets CSTS.CFS, closes every queue's connection (which cleans up their
     * requests as namespaces complete them) and releases the CNTLID. Idempotent, any thread.
     */
    public void fail(String reason) {
        QueuePair[] toClose;
        long[] statistics = ioStatistics();
        boolean orderly;
        synchronized (this) {
            if (state == State.DEAD) return;
            // a host that set CC.SHN before going away shut down cleanly: not worth a log line
            orderly = ControllerRegisters.ccShn(cc) != ControllerRegisters.SHN_NONE;
            state = State.DEAD;
            csts |= ControllerRegisters.CSTS_CFS;
            if (keepAliveTimer != null) keepAliveTimer.cancel(false);
            keepAliveTimer = null;
            toClose = queues.clone();
            aers.clear(); // their queue is going away with the connection; nothing to send
            pendingEvents.clear();
        }
        subsystem.controllerGone(this, statistics);
        LOG.log(orderly ? Level.FINE : Level.INFO, "controller {0} of {1} for host {2} ends: {3}", new Object[] {
            cntlid, subsystem.nqn(), hostNqn, reason
        });
        for (QueuePair queue : toClose) {
            if (queue != null) queue.transport().close("controller " + cntlid + " ends: " + reason);
        }
    }

    /** Counters summed over the controller's queues, for the SMART log. */
    public synchronized long[] ioStatistics() {
        long[] totals = closedQueues.clone();
        for (QueuePair queue : queues) {
            if (queue == null) continue;
            totals[0] += queue.readCommands.get();
            totals[1] += queue.writeCommands.get();
            totals[2] += queue.bytesRead.get();
            totals[3] += queue.bytesWritten.get();
        }
        return totals;
    }

    // ------------------------------------------------------------------ properties

    public synchronized int cc() {
        return cc;
    }

    public synchronized int csts() {
        return csts;
    }

    /**
     * Property Set of CC (NVMe Base 2.1, "Controller Configuration"): enabling checks the queue
     * entry sizes and the command set and then reports ready at once; disabling resets the
     * controller; a shutdown notification completes immediately. Returns 0 or a status.
     */
    public synchronized int writeCc(int value) {
        int old = cc;
        cc = value;
        boolean enable = (value & ControllerRegisters.CC_EN) != 0;
        boolean wasEnabled = (old & ControllerRegisters.CC_EN) != 0;
        if (enable && !wasEnabled) {
            boolean valid = ControllerRegisters.ccIosqes(value) == 6
                    && ControllerRegisters.ccIocqes(value) == 4
                    && ControllerRegisters.ccMps(value) == 0
                    && (ControllerRegisters.ccCss(value) == ControllerRegisters.CSS_NVM
                            || ControllerRegisters.ccCss(value) == ControllerRegisters.CSS_ADMIN_ONLY);
            // an invalid configuration is reported through CSTS.CFS, not the command status
            csts = valid ? ControllerRegisters.CSTS_RDY : ControllerRegisters.CSTS_CFS;
        } else if (!enable && wasEnabled) {
            csts &= ~(ControllerRegisters.CSTS_RDY | ControllerRegisters.CSTS_SHST_MASK);
        }
        int shn = ControllerRegisters.ccShn(value);
        if (shn != ControllerRegisters.SHN_NONE && ControllerRegisters.ccShn(old) == ControllerRegisters.SHN_NONE) {
            csts = (csts & ~(ControllerRegisters.CSTS_RDY | ControllerRegisters.CSTS_SHST_MASK))
                    | (ControllerRegisters.SHST_COMPLETE << ControllerRegisters.CSTS_SHST_SHIFT);
        }
        return 0;
    }

    /** Whether admin and I/O commands may run: CC.EN and CSTS.RDY set, no shutdown. */
    public synchronized boolean ready() {
        return state == State.LIVE && (csts & ControllerRegisters.CSTS_RDY) != 0;
    }

    // ------------------------------------------------------------------ keep alive

    public synchronized int kato() {
        return kato;
    }

    /** Set Features Keep Alive Timer: a new KATO (0 disables the timer). */
    public synchronized void kato(int katoMillis) {
        kato = katoMillis;
        touchKeepAlive();
        armKeepAlive();
    }

    /** A Keep Alive command (or the Connect) arrived: the host is alive. */
    public void touchKeepAlive() {
        lastKeepAlive = System.nanoTime();
    }

    private void armKeepAlive() {
        if (keepAliveTimer != null) keepAliveTimer.cancel(false);
        keepAliveTimer = null;
        if (kato > 0 && state == State.LIVE && queues[0] != null) {
            keepAliveTimer = queues[0].eventLoop().schedule(this::checkKeepAlive, kato, TimeUnit.MILLISECONDS);
        }
    }

    private void checkKeepAlive() {
        long remaining;
        synchronized (this) {
            if (state != State.LIVE || kato == 0) return;
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastKeepAlive);
            remaining = kato - elapsed;
            if (remaining > 0) {
                keepAliveTimer = queues[0].eventLoop().schedule(this::checkKeepAlive, remaining, TimeUnit.MILLISECONDS);
                return;
            }
        }
        fail("no Keep Alive within KATO (" + kato() + " ms): the host is gone");
    }

    // ------------------------------------------------------------------ asynchronous events

    public synchronized int asyncEventConfig() {
        return asyncEventConfig;
    }

    public synchronized void asyncEventConfig(int value) {
        asyncEventConfig = value;
    }

    /**
     * An Asynchronous Event Request: parked until an event happens. Returns 0, or Asynchronous
     * Event Request Limit Exceeded.
     */
    public int parkAsyncEventRequest(Request request) {
        Delivery delivery;
        synchronized (this) {
            if (aers.size() >= AER_LIMIT) return StatusCode.ASYNC_EVENT_REQUEST_LIMIT_EXCEEDED.fieldDnr();
            aers.addLast(request);
            delivery = nextDelivery();
        }
        if (delivery != null) delivery.send();
        return 0;
    }

    /** Raises {@code event} if enabled and not masked (an unread notice of the same kind masks it). */
    public void raise(AsyncEvent event) {
        Delivery delivery;
        synchronized (this) {
            if (state != State.LIVE || (asyncEventConfig & event.configBit()) == 0) return;
            int bit = 1 << event.ordinal();
            if ((maskedEvents & bit) != 0 || pendingEvents.contains(event)) return;
            pendingEvents.addLast(event);
            delivery = nextDelivery();
        }
        if (delivery != null) delivery.send();
    }

    /** A log page was read with RAE clear: events reported through it may be raised again. */
    public void logPageRead(int lid) {
        Delivery delivery;
        synchronized (this) {
            for (AsyncEvent event : AsyncEvent.values()) {
                if (event.logPage() == lid) maskedEvents &= ~(1 << event.ordinal());
            }
            delivery = nextDelivery();
        }
        if (delivery != null) delivery.send();
    }

    /** Pairs the first pending event with a waiting AER; masks the event until its log is read. */
    private Delivery nextDelivery() {
        if (aers.isEmpty() || pendingEvents.isEmpty()) return null;
        AsyncEvent event = pendingEvents.pollFirst();
        maskedEvents |= 1 << event.ordinal();
        return new Delivery(aers.pollFirst(), event);
    }

    /** An event on its way to the host: completed outside the monitor, on the admin queue's loop. */
    private record Delivery(Request aer, AsyncEvent event) {
        void send() {
            aer.completeFromAnyThread(0, event.dw0());
        }
    }

    // ------------------------------------------------------------------ logs

    void namespaceChanged(int nsid) {
        synchronized (this) {
            if (changedNamespaces.size() >= ChangedNamespaceList.MAX_ENTRIES) {
                changedOverflow = true;
            } else {
                changedNamespaces.add(nsid);
            }
        }
        raise(AsyncEvent.NAMESPACE_ATTRIBUTE_CHANGED);
    }

    /**
     * Writes the Changed Namespace List into {@code page} (4096 zeroed bytes); with {@code clear},
     * empties it as a read with RAE clear does.
     */
    public synchronized void changedNamespaces(MemorySegment page, boolean clear) {
        if (changedOverflow) {
            page.set(io.peregrine.nvme.spec.Le.U32, 0, ChangedNamespaceList.OVERFLOW);
        } else {
            long offset = 0;
            for (int nsid : changedNamespaces) {
                page.set(io.peregrine.nvme.spec.Le.U32, offset, nsid);
                offset += 4;
            }
        }
        if (clear) {
            changedNamespaces.clear();
            changedOverflow = false;
        }
    }

    synchronized void recordError(int sqid, int cid, int status, int location, int nsid) {
        errorLog.record(sqid, cid, status, location, nsid);
    }

    /** Writes the Error Information log page (64 entries x 64 bytes, zeroed) into {@code page}. */
    public synchronized void errorLog(MemorySegment page) {
        errorLog.write(page);
    }

    public synchronized long errorCount() {
        return errorLog.total();
    }

    /** Entries in the Error Information log page. */
    public static int errorLogEntries() {
        return ErrorLog.ENTRIES;
    }

    @Override
    public String toString() {
        return "Controller[" + cntlid + " of " + subsystem.nqn() + ", host " + hostNqn + "]";
    }
}
