package io.peregrine.dataplane.netty;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoRegistration;
import io.peregrine.dataplane.reactor.CpuAffinity;
import io.peregrine.dataplane.reactor.IdlePolicy;
import io.peregrine.dataplane.reactor.ReactorCore;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Makes a Netty event loop a reactor: a delegating {@link IoHandler} around the native one (epoll
 * or io_uring) that runs a {@link ReactorCore} once per loop iteration, before the sockets, and
 * decides whether the loop may block in the kernel.
 *
 * <p>The loop polls -- the native handler runs with {@code canBlock() == false}, a zero-timeout
 * {@code epoll_wait} -- while the core or the sockets did work within the policy's spin window.
 * While a polled device has I/O in flight ({@link ReactorCore#needsPolling}) it blocks only
 * briefly, backing off from the policy's shortest to its longest poll park. Otherwise it blocks in
 * the kernel until a socket, a Netty task, a timer or the core's {@link
 * io.peregrine.dataplane.reactor.Waker} wakes it: an idle reactor costs nothing.
 *
 * <p>The wake-up is race-free the way Netty's own is: the native handler publishes its wake-up
 * deadline and then asks {@link IoHandlerContext#canBlock()} once more before it blocks, and our
 * answer includes {@link ReactorCore#signalled()}; a signaller sets the signal and then swaps the
 * deadline in {@link IoHandler#wakeup()}.
 *
 * <p>Busy and idle time cover the whole loop: time blocked in the kernel, and iterations in which
 * neither the core, the sockets nor Netty's task queue had anything to do, are idle; the rest is
 * busy.
 */
public final class ReactorIoHandler implements IoHandler {
    private static final VarHandle BUSY;
    private static final VarHandle IDLE;
    private static final VarHandle PARKS;
    private static final VarHandle POLLING;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            BUSY = l.findVarHandle(ReactorIoHandler.class, "busyNanos", long.class);
            IDLE = l.findVarHandle(ReactorIoHandler.class, "idleNanos", long.class);
            PARKS = l.findVarHandle(ReactorIoHandler.class, "parks", long.class);
            POLLING = l.findVarHandle(ReactorIoHandler.class, "polling", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final IoHandler io;
    private final ReactorCore core;
    private final IdlePolicy policy;
    private final int cpu;
    private final GatedContext gated = new GatedContext();

    private long lastWork = System.nanoTime();
    private long lastReturn = System.nanoTime();
    private long backoff;
    private boolean tasksPending;

    // written by the loop thread only, read by anyone with opaque reads
    @SuppressWarnings("unused")
    private long busyNanos;

    @SuppressWarnings("unused")
    private long idleNanos;

    @SuppressWarnings("unused")
    private long parks;

    @SuppressWarnings("unused")
    private boolean polling = true;

    /**
     * @param io the native handler that owns the sockets
     * @param core the reactor core this loop drives; bound to the loop's thread in {@link #initialize}
     * @param cpu the CPU the loop's thread is pinned to, or -1
     */
    ReactorIoHandler(IoHandler io, ReactorCore core, IdlePolicy policy, int cpu) {
        this.io = io;
        this.core = core;
        this.policy = policy;
        this.cpu = cpu;
        this.backoff = policy.pollParkMinNanos();
    }

    public ReactorCore core() {
        return core;
    }

    /** The CPU this loop is pinned to, or -1. */
    public int cpu() {
        return cpu;
    }

    /** Nanoseconds the loop spent doing work: the core's messages and completions, sockets, tasks. */
    public long busyNanos() {
        return (long) BUSY.getOpaque(this);
    }

    /** Nanoseconds blocked in the kernel, or polling without finding anything to do. */
    public long idleNanos() {
        return (long) IDLE.getOpaque(this);
    }

    /** How often the loop blocked in the kernel. */
    public long parks() {
        return (long) PARKS.getOpaque(this);
    }

    /** False while the loop is blocked in the kernel (parked), true while it runs or polls. */
    public boolean polling() {
        return (boolean) POLLING.getOpaque(this);
    }

    @Override
    public void initialize() {
        if (cpu >= 0) {
            CpuAffinity.pinCurrentThread(cpu, core.name()); // best effort: a failure is logged
        }
        io.initialize();
        // the loop thread runs this first: it owns the core from now on, and a message posted to
        // the core from any other thread wakes the loop out of epoll_wait
        core.bind(io::wakeup);
    }

    @Override
    public int run(IoHandlerContext context) {
        long start = System.nanoTime();
        // Netty ran its task queue (when it had one) between our last return and now
        account(start - lastReturn, tasksPending);
        if (tasksPending) {
            lastWork = start;
        }

        core.consumeSignal();
        int work = core.runOnce();
        long afterCore = System.nanoTime();
        account(afterCore - start, work > 0);
        if (work > 0) {
            lastWork = afterCore;
            backoff = policy.pollParkMinNanos();
        }

        boolean block = work == 0 && policy.maxParkNanos() > 0 && afterCore - lastWork >= policy.spinNanos();
        long parkNanos = policy.maxParkNanos();
        if (block && core.needsPolling()) {
            // I/O in flight on a device nobody signals: sleep briefly, longer each time it stays quiet
            parkNanos = backoff;
            backoff = Math.min(backoff * 2, policy.pollParkMaxNanos());
        }
        gated.arm(context, block, afterCore + parkNanos);
        if (block) {
            POLLING.setOpaque(this, false);
        }
        int handled = io.run(gated);
        long end = System.nanoTime();
        if (block) {
            POLLING.setOpaque(this, true);
            PARKS.setOpaque(this, (long) PARKS.getOpaque(this) + 1);
            long active = gated.activeIoNanos;
            account(end - afterCore - active, false);
            account(active, true);
        } else {
            account(end - afterCore, handled > 0);
        }
        if (handled > 0) {
            lastWork = end;
            backoff = policy.pollParkMinNanos();
        }
        // tasks queued now run right after we return: count that time as work
        tasksPending = !context.canBlock();
        lastReturn = end;
        return handled + work;
    }

    private void account(long nanos, boolean busy) {
        if (nanos <= 0) {
            return;
        }
        VarHandle h = busy ? BUSY : IDLE;
        h.setOpaque(this, (long) h.getOpaque(this) + nanos);
    }

    @Override
    public void prepareToDestroy() {
        io.prepareToDestroy();
    }

    @Override
    public void destroy() {
        io.destroy();
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        return io.register(handle);
    }

    @Override
    public void wakeup() {
        io.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return io.isCompatible(handleType);
    }

    /** The native handler itself (its type tells which transport the loop runs). */
    public IoHandler delegate() {
        return io;
    }

    @Override
    public String toString() {
        return "ReactorIoHandler[" + core.name() + ", " + io.getClass().getSimpleName() + "]";
    }

    /**
     * The event loop's context as the native handler sees it: it may block only when the policy
     * allows, Netty has no task due, and the core was not signalled; and not for longer than the
     * park the policy chose. One instance per loop, re-armed every iteration: nothing is allocated.
     */
    private final class GatedContext implements IoHandlerContext {
        private IoHandlerContext outer;
        private boolean block;
        private long parkDeadline;
        long activeIoNanos;

        void arm(IoHandlerContext context, boolean mayBlock, long deadline) {
            this.outer = context;
            this.block = mayBlock;
            this.parkDeadline = deadline;
            this.activeIoNanos = 0;
        }

        @Override
        public boolean canBlock() {
            return block && outer.canBlock() && !core.signalled();
        }

        @Override
        public long delayNanos(long currentTimeNanos) {
            return Math.max(0, Math.min(outer.delayNanos(currentTimeNanos), parkDeadline - currentTimeNanos));
        }

        @Override
        public long deadlineNanos() {
            // only compared with itself by the native handler (to re-arm its timer): any value that
            // changes when our park does will do; the wait itself is computed from delayNanos
            return parkDeadline;
        }

        @Override
        public boolean shouldReportActiveIoTime() {
            return true;
        }

        @Override
        public void reportActiveIoTime(long nanos) {
            activeIoNanos = nanos;
            if (outer.shouldReportActiveIoTime()) {
                outer.reportActiveIoTime(nanos);
            }
        }
    }
}
