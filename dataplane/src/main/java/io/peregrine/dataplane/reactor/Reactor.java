package io.peregrine.dataplane.reactor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Drives a {@link ReactorCore} from a platform thread with the {@link IdlePolicy}: iterate while
 * there is work, spin a little after it, keep polling (with a short back-off) while a polled
 * device has I/O in flight, and park otherwise. A message or a signalled completion unparks it.
 *
 * <p>Two ways to run: {@link #start} gives the core its own thread (optionally pinned to a CPU);
 * {@link #onCurrentThread} binds the core to the caller, which then drives it with {@link
 * #runUntil} (tools, tests and single-threaded children use this).
 */
public final class Reactor implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Reactor.class.getName());
    private static final VarHandle PARKS;

    static {
        try {
            PARKS = MethodHandles.lookup().findVarHandle(Reactor.class, "parks", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ReactorCore core;
    private final IdlePolicy policy;
    private final int cpu;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean parking;

    @SuppressWarnings("unused")
    private long parks;

    private Reactor(ReactorCore core, IdlePolicy policy, int cpu, Thread thread) {
        this.core = core;
        this.policy = policy;
        this.cpu = cpu;
        this.thread = thread;
    }

    /**
     * Starts a reactor on a new platform thread named {@code name}, pinned to {@code cpu} when it
     * is {@code >= 0} (best effort: a failed pin is logged and the reactor runs unpinned).
     */
    public static Reactor start(String name, int cpu, IdlePolicy policy) {
        ReactorCore core = new ReactorCore(name);
        CompletableFuture<Reactor> bound = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().name(name).daemon(true).unstarted(() -> {
            Reactor self = bound.join();
            if (cpu >= 0) {
                CpuAffinity.pinCurrentThread(cpu, name);
            }
            core.bind(self::wakeup);
            self.loop(() -> self.running);
        });
        Reactor r = new Reactor(core, policy, cpu, t);
        bound.complete(r);
        t.start();
        return r;
    }

    /** Binds a new core to the calling thread; drive it with {@link #runUntil}. */
    public static Reactor onCurrentThread(String name, IdlePolicy policy) {
        ReactorCore core = new ReactorCore(name);
        Reactor r = new Reactor(core, policy, -1, Thread.currentThread());
        core.bind(r::wakeup);
        return r;
    }

    public ReactorCore core() {
        return core;
    }

    public Thread thread() {
        return thread;
    }

    /** The CPU this reactor was asked to run on, or -1. */
    public int cpu() {
        return cpu;
    }

    /** True while the driver is parked (idle); false while it polls. */
    public boolean parked() {
        return parking;
    }

    /** How often the driver parked. */
    public long parks() {
        return (long) PARKS.getOpaque(this);
    }

    /**
     * Drives the core from the calling thread (which must own it) until {@code future} is done,
     * then returns its result or throws its failure unwrapped from {@link CompletionException}.
     */
    public <T> T runUntil(CompletableFuture<T> future) {
        core.checkCoreThread();
        future.whenComplete((v, e) -> core.signal());
        loop(() -> !future.isDone());
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    private void wakeup() {
        if (parking) {
            LockSupport.unpark(thread);
        }
    }

    private void loop(BooleanSupplier keepGoing) {
        long lastWork = System.nanoTime();
        long backoff = policy.pollParkMinNanos();
        while (keepGoing.getAsBoolean()) {
            core.consumeSignal();
            int work = core.runOnce();
            long now = System.nanoTime();
            if (work > 0) {
                lastWork = now;
                backoff = policy.pollParkMinNanos();
                continue;
            }
            if (now - lastWork < policy.spinNanos() || policy.maxParkNanos() == 0) {
                Thread.onSpinWait();
                continue;
            }
            if (core.needsPolling()) {
                park(backoff, keepGoing);
                backoff = Math.min(backoff * 2, policy.pollParkMaxNanos());
            } else {
                park(policy.maxParkNanos(), keepGoing);
            }
        }
    }

    private void park(long nanos, BooleanSupplier keepGoing) {
        long start = System.nanoTime();
        parking = true;
        // the Dekker pair with ReactorCore.signal: set parking, then re-check the signal
        if (!core.signalled() && keepGoing.getAsBoolean()) {
            LockSupport.parkNanos(this, nanos);
        }
        parking = false;
        PARKS.setOpaque(this, (long) PARKS.getOpaque(this) + 1);
        core.addIdleNanos(System.nanoTime() - start);
    }

    /** Stops a started reactor's thread after its current iteration and waits for it. */
    @Override
    public void close() {
        if (thread == Thread.currentThread()) {
            return; // a core driven by the caller stops when runUntil returns
        }
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.log(System.Logger.Level.WARNING, "reactor " + core.name() + " did not stop within 10 s");
        }
    }

    @Override
    public String toString() {
        return "Reactor[" + core.name() + (cpu >= 0 ? ", cpu " + cpu : "") + "]";
    }
}
