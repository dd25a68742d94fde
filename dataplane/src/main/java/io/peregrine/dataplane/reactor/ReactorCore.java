package io.peregrine.dataplane.reactor;

import io.peregrine.dataplane.bdev.IoCompletion;
import io.peregrine.dataplane.bdev.IoStatus;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * The per-thread heart of the dataplane (SPDK's {@code spdk_thread}): a multi-producer message
 * queue, a list of pollers, and a ring of deferred I/O completions, run one iteration at a time
 * by whichever thread owns it.
 *
 * <p>A core does not decide when to sleep. Its driver does: a {@link Reactor} on its own platform
 * thread spins while the core reports work or {@link #needsPolling()}, and parks otherwise; a
 * Netty event loop can drive the same core from its I/O handler. The driver installs a {@link
 * Waker} when it {@link #bind binds}; {@link #execute} from any other thread signals the core and
 * wakes the driver.
 *
 * <p>Everything except {@link #execute}, {@link #signal}, the counters and {@link #name} belongs
 * to the owner thread. Per-thread objects such as bdev channels are opened on a core and used
 * only from its owner thread, which is what keeps the I/O path free of locks.
 */
public final class ReactorCore {
    private static final System.Logger LOG = System.getLogger(ReactorCore.class.getName());

    /** Messages run per iteration at most, so pollers are never starved by a message storm. */
    private static final int MESSAGE_BATCH = 128;

    private static final VarHandle BUSY;
    private static final VarHandle IDLE;
    private static final VarHandle ITERATIONS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            BUSY = l.findVarHandle(ReactorCore.class, "busyNanos", long.class);
            IDLE = l.findVarHandle(ReactorCore.class, "idleNanos", long.class);
            ITERATIONS = l.findVarHandle(ReactorCore.class, "iterations", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final ConcurrentLinkedQueue<Runnable> messages = new ConcurrentLinkedQueue<>();
    private volatile boolean signalled;
    private volatile Thread owner;
    private volatile Waker waker = () -> {};

    private Poller[] pollers = new Poller[0];

    // deferred completions: a growable ring of (callback, status) pairs, owner thread only
    private IoCompletion[] deferredCallbacks = new IoCompletion[256];
    private IoStatus[] deferredStatuses = new IoStatus[256];
    private int deferredHead;
    private int deferredTail;

    // written by the owner only, read by anyone with opaque reads
    @SuppressWarnings("unused")
    private long busyNanos;

    @SuppressWarnings("unused")
    private long idleNanos;

    @SuppressWarnings("unused")
    private long iterations;

    private long failures;
    private long now = System.nanoTime();

    public ReactorCore(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    public String name() {
        return name;
    }

    /**
     * Makes the calling thread the owner and installs the driver's waker. A core is bound once,
     * by its driver, before anything is opened on it.
     */
    public void bind(Waker driverWaker) {
        if (owner != null && owner != Thread.currentThread()) {
            throw new IllegalStateException("reactor core " + name + " is already bound to thread " + owner.getName());
        }
        this.waker = Objects.requireNonNull(driverWaker, "driverWaker");
        this.owner = Thread.currentThread();
    }

    /** The owner thread, or null before {@link #bind}. */
    public Thread owner() {
        return owner;
    }

    /** True when called on the owner thread. */
    public boolean inCoreThread() {
        return Thread.currentThread() == owner;
    }

    /** Throws unless called on the owner thread; the guard on every per-thread object. */
    public void checkCoreThread() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException(
                    "called on thread " + Thread.currentThread().getName()
                            + ", but reactor core " + name + " is owned by "
                            + (owner == null ? "no thread yet" : owner.getName()));
        }
    }

    /**
     * Throws unless called on the owner thread, naming {@code what} was touched: the guard on
     * state a reactor owns (a pool's metadata, say), so a continuation that escaped to another
     * thread fails loudly where it happened instead of racing the owner. One volatile read.
     */
    public void checkCoreThread(String what) {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException(
                    what + " touched on thread " + Thread.currentThread().getName()
                            + ": it belongs to reactor core " + name + " ("
                            + (owner == null ? "not bound to a thread yet" : "thread " + owner.getName())
                            + "); run the step there (ReactorCore.call/submit/execute)");
        }
    }

    // ------------------------------------------------------------------ any thread

    /** Queues {@code message} to run on the owner thread and wakes the driver. */
    public void execute(Runnable message) {
        messages.offer(Objects.requireNonNull(message, "message"));
        signal();
    }

    /** Runs {@code task} on the owner thread; the future completes there with its result. */
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        execute(() -> {
            try {
                f.complete(task.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    /**
     * Starts the asynchronous chain {@code op} builds on the owner thread, and completes the
     * returned future there with its outcome.
     *
     * <p>Why not {@code submit(x).thenCompose(...)}: a dependent stage runs on the thread that
     * completes its source or, when the source is already complete, on the thread that attaches
     * it. A caller that chains on a future this core completed quickly would run the next step
     * itself, on a thread that does not own the state it touches. Building the whole chain inside
     * {@code op}, on the owner thread, keeps every step there as long as each future in it is
     * completed on this core (I/O completions and {@link #submit} are); the result is handed over
     * on the owner thread even if {@code op}'s future was completed elsewhere.
     */
    public <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> op) {
        Objects.requireNonNull(op, "op");
        CompletableFuture<T> result = new CompletableFuture<>();
        execute(() -> {
            CompletableFuture<T> f;
            try {
                f = Objects.requireNonNull(op.get(), "the chain's future");
            } catch (Throwable t) {
                result.completeExceptionally(t);
                return;
            }
            f.whenComplete((v, e) -> {
                if (inCoreThread()) {
                    settle(result, v, e);
                } else {
                    execute(() -> settle(result, v, e));
                }
            });
        });
        return result;
    }

    private static <T> void settle(CompletableFuture<T> result, T value, Throwable failure) {
        if (failure == null) {
            result.complete(value);
        } else {
            result.completeExceptionally(
                    failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause()
                            : failure);
        }
    }

    /**
     * Tells the driver there is work that was not there when it last looked (a message, or a
     * completion pushed by a helper thread). Cheap when the driver is awake.
     */
    public void signal() {
        if (!signalled) {
            signalled = true;
            waker.wakeup();
        }
    }

    /** True when something signalled since the driver last {@link #consumeSignal consumed}. */
    public boolean signalled() {
        return signalled;
    }

    /** Clears the signal; a driver calls this right before {@link #runOnce}. */
    public void consumeSignal() {
        signalled = false;
    }

    /** Nanoseconds spent in iterations that did work. */
    public long busyNanos() {
        return (long) BUSY.getOpaque(this);
    }

    /** Nanoseconds spent in iterations that found nothing to do, plus time parked. */
    public long idleNanos() {
        return (long) IDLE.getOpaque(this);
    }

    /** Iterations run so far. */
    public long iterations() {
        return (long) ITERATIONS.getOpaque(this);
    }

    // ------------------------------------------------------------------ owner thread

    /** Adds a poller that runs every iteration. */
    public void addPoller(Poller poller) {
        checkCoreThread();
        Poller[] p = Arrays.copyOf(pollers, pollers.length + 1);
        p[p.length - 1] = Objects.requireNonNull(poller, "poller");
        pollers = p;
    }

    /** Removes a poller; unknown pollers are ignored. */
    public void removePoller(Poller poller) {
        checkCoreThread();
        for (int i = 0; i < pollers.length; i++) {
            if (pollers[i] == poller) {
                Poller[] p = new Poller[pollers.length - 1];
                System.arraycopy(pollers, 0, p, 0, i);
                System.arraycopy(pollers, i + 1, p, i, pollers.length - i - 1);
                pollers = p;
                return;
            }
        }
    }

    /**
     * Completes {@code callback} with {@code status} on a later iteration of this core, never
     * inside the caller's stack: submitters may rely on a completion never running before their
     * submit call returns. Allocation-free once the ring has grown to the working depth.
     */
    public void completeLater(IoCompletion callback, IoStatus status) {
        if (deferredTail - deferredHead == deferredCallbacks.length) {
            growDeferred();
        }
        int mask = deferredCallbacks.length - 1;
        deferredCallbacks[deferredTail & mask] = callback;
        deferredStatuses[deferredTail & mask] = status;
        deferredTail++;
    }

    private void growDeferred() {
        int n = deferredCallbacks.length;
        IoCompletion[] cbs = new IoCompletion[n * 2];
        IoStatus[] sts = new IoStatus[n * 2];
        for (int i = 0; i < n; i++) {
            cbs[i] = deferredCallbacks[(deferredHead + i) & (n - 1)];
            sts[i] = deferredStatuses[(deferredHead + i) & (n - 1)];
        }
        deferredCallbacks = cbs;
        deferredStatuses = sts;
        deferredTail = n;
        deferredHead = 0;
    }

    /**
     * One iteration: up to a batch of messages, the completions deferred before this iteration,
     * then every poller. Returns the work done (0 = idle) and accounts the time as busy or idle.
     */
    public int runOnce() {
        long start = System.nanoTime();
        now = start;
        int work = runMessages();
        work += runDeferred();
        Poller[] ps = pollers;
        for (Poller p : ps) {
            try {
                work += p.poll();
            } catch (RuntimeException | Error e) {
                failed("poller " + p, e);
            }
        }
        long elapsed = System.nanoTime() - start;
        if (work > 0) {
            BUSY.setOpaque(this, (long) BUSY.getOpaque(this) + elapsed);
        } else {
            IDLE.setOpaque(this, (long) IDLE.getOpaque(this) + elapsed);
        }
        ITERATIONS.setOpaque(this, (long) ITERATIONS.getOpaque(this) + 1);
        return work;
    }

    /**
     * The time this iteration started ({@link System#nanoTime}): a clock for per-I/O latency that
     * costs nothing, exact to within one iteration. Owner thread.
     */
    public long now() {
        return now;
    }

    /**
     * Moves the clock {@link #now} reads forward to {@code nanoTime} ({@link System#nanoTime}).
     * For drivers that let I/O be submitted outside {@link #runOnce}: a Netty event loop reads its
     * sockets, and submits what it decoded, after blocking in epoll -- without this, an I/O
     * submitted right after a long wait would be timed from before the wait. Owner thread.
     */
    public void advanceClock(long nanoTime) {
        if (nanoTime - now > 0) {
            now = nanoTime;
        }
    }

    /** Adds time the driver spent parked (or blocked in its selector) to the idle counter. */
    public void addIdleNanos(long nanos) {
        IDLE.setOpaque(this, (long) IDLE.getOpaque(this) + nanos);
    }

    /**
     * True while a driver must keep polling instead of parking: deferred completions are queued or
     * some poller has I/O in flight on a device that does not signal.
     */
    public boolean needsPolling() {
        if (deferredTail != deferredHead || !messages.isEmpty()) {
            return true;
        }
        for (Poller p : pollers) {
            if (p.needsPolling()) {
                return true;
            }
        }
        return false;
    }

    /** Messages or pollers that threw; each is logged, none stops the core. */
    public long failures() {
        return failures;
    }

    private int runMessages() {
        int n = 0;
        Runnable m;
        while (n < MESSAGE_BATCH && (m = messages.poll()) != null) {
            n++;
            try {
                m.run();
            } catch (RuntimeException | Error e) {
                failed("message " + m, e);
            }
        }
        return n;
    }

    private int runDeferred() {
        // only what was deferred before this iteration: a callback that defers again runs next time
        int n = deferredTail - deferredHead;
        for (int k = 0; k < n; k++) {
            int i = deferredHead & (deferredCallbacks.length - 1);
            IoCompletion cb = deferredCallbacks[i];
            IoStatus st = deferredStatuses[i];
            deferredCallbacks[i] = null;
            deferredStatuses[i] = null;
            deferredHead++;
            try {
                cb.complete(st);
            } catch (RuntimeException | Error e) {
                failed("completion " + cb, e);
            }
        }
        return n;
    }

    private void failed(String what, Throwable e) {
        failures++;
        if (e instanceof VirtualMachineError vme) {
            throw vme;
        }
        LOG.log(System.Logger.Level.ERROR, "reactor core " + name + ": " + what + " threw; the core keeps running", e);
    }

    @Override
    public String toString() {
        return "ReactorCore[" + name + "]";
    }
}
