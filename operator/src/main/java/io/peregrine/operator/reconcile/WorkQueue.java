package io.peregrine.operator.reconcile;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * Keys waiting to be reconciled, with the guarantees client-go's workqueue gives controllers:
 *
 * <ul>
 *   <li>a key is queued at most once, however many events name it;
 *   <li>a key is handed to at most one worker at a time; added again while a worker has it, it is
 *       queued when that worker calls {@link #done} — so the latest state is always reconciled;
 *   <li>delayed adds keep only the earliest deadline per key;
 *   <li>failures back off per key until {@link #forget}.
 * </ul>
 *
 * Adding never blocks, so informer threads can call it directly.
 */
public final class WorkQueue<K> implements AutoCloseable {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final LinkedHashSet<K> queue = new LinkedHashSet<>();
    private final Set<K> dirty = new HashSet<>();
    private final Set<K> processing = new HashSet<>();
    private final Map<K, Waiting> waiting = new HashMap<>();
    private final Map<K, Integer> failures = new HashMap<>();
    private final Backoff backoff;
    private final IntConsumer depthListener;
    private final ScheduledExecutorService timers;
    private boolean shutDown;

    private record Waiting(long deadlineNanos, ScheduledFuture<?> timer) {}

    /** @param depthListener told the number of ready keys after every change (a metrics gauge) */
    public WorkQueue(String name, Backoff backoff, IntConsumer depthListener) {
        this.backoff = backoff;
        this.depthListener = depthListener;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(
                1, Thread.ofVirtual().name("queue-timer-" + name).factory());
        executor.setRemoveOnCancelPolicy(true);
        this.timers = executor;
    }

    public void add(K key) {
        lock.lock();
        try {
            if (shutDown || !dirty.add(key)) {
                return;
            }
            if (!processing.contains(key)) {
                queue.add(key);
                ready.signal();
                depthListener.accept(queue.size());
            }
        } finally {
            lock.unlock();
        }
    }

    public void addAfter(K key, Duration delay) {
        if (delay.isNegative() || delay.isZero()) {
            add(key);
            return;
        }
        long deadline = System.nanoTime() + delay.toNanos();
        lock.lock();
        try {
            if (shutDown) {
                return;
            }
            Waiting current = waiting.get(key);
            if (current != null && current.deadlineNanos - deadline <= 0) {
                return;
            }
            if (current != null) {
                current.timer.cancel(false);
            }
            ScheduledFuture<?> timer =
                    timers.schedule(() -> fire(key, deadline), delay.toNanos(), TimeUnit.NANOSECONDS);
            waiting.put(key, new Waiting(deadline, timer));
        } finally {
            lock.unlock();
        }
    }

    private void fire(K key, long deadline) {
        lock.lock();
        try {
            Waiting current = waiting.get(key);
            if (current != null && current.deadlineNanos == deadline) {
                waiting.remove(key);
            }
        } finally {
            lock.unlock();
        }
        add(key);
    }

    /** Queues {@code key} after its next backoff delay. */
    public void addRateLimited(K key) {
        int n;
        lock.lock();
        try {
            n = failures.merge(key, 1, Integer::sum);
        } finally {
            lock.unlock();
        }
        addAfter(key, backoff.delay(n));
    }

    /** Resets {@code key}'s backoff: it succeeded. */
    public void forget(K key) {
        lock.lock();
        try {
            failures.remove(key);
        } finally {
            lock.unlock();
        }
    }

    public int failures(K key) {
        lock.lock();
        try {
            return failures.getOrDefault(key, 0);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next key, which the caller owns until {@link #done}; empty once the queue is shut down.
     */
    public Optional<K> take() throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty() && !shutDown) {
                ready.await();
            }
            if (shutDown) {
                return Optional.empty();
            }
            Iterator<K> it = queue.iterator();
            K key = it.next();
            it.remove();
            processing.add(key);
            dirty.remove(key);
            depthListener.accept(queue.size());
            return Optional.of(key);
        } finally {
            lock.unlock();
        }
    }

    public void done(K key) {
        lock.lock();
        try {
            processing.remove(key);
            if (dirty.contains(key) && !shutDown) {
                queue.add(key);
                ready.signal();
                depthListener.accept(queue.size());
            }
        } finally {
            lock.unlock();
        }
    }

    /** Keys ready to be taken (not counting those being processed or waiting for a delay). */
    public int depth() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every {@link #take} with empty, drops every key and timer. */
    @Override
    public void close() {
        lock.lock();
        try {
            shutDown = true;
            queue.clear();
            dirty.clear();
            waiting.values().forEach(w -> w.timer.cancel(false));
            waiting.clear();
            ready.signalAll();
            depthListener.accept(0);
        } finally {
            lock.unlock();
        }
        timers.shutdownNow();
    }
}
