package io.peregrine.dataplane.node;

import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.lvol.LvolStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One pool this daemon knows: loaded (its device open, its store imported) or in error (its device
 * is gone or refused to load; the message says why and what to do). Mutating management calls on
 * the pool run one at a time under its lock.
 */
public final class PoolEntry {
    /** How long a call waits for another call on the same pool before it answers ABORTED. */
    static final Duration LOCK_WAIT = Duration.ofSeconds(60);

    /** The API's pool states. */
    public enum State {
        ONLINE,
        DEGRADED,
        ERROR
    }

    private final String name;
    private final String uri;
    private final DeviceIdentity device;
    private final Bdev bdev;
    private final LvolStore store;
    private final String error;
    private final List<String> notes;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean removed;

    private PoolEntry(
            String name,
            String uri,
            DeviceIdentity device,
            Bdev bdev,
            LvolStore store,
            String error,
            List<String> notes) {
        this.name = name;
        this.uri = uri;
        this.device = device;
        this.bdev = bdev;
        this.store = store;
        this.error = error;
        this.notes = List.copyOf(notes);
    }

    static PoolEntry loaded(String uri, DeviceIdentity device, Bdev bdev, LvolStore store, List<String> notes) {
        return new PoolEntry(store.blobStore().superBlock().name(), uri, device, bdev, store, null, notes);
    }

    static PoolEntry failed(String name, String uri, DeviceIdentity device, String error) {
        return new PoolEntry(name, uri, device, null, null, error, List.of());
    }

    public String name() {
        return name;
    }

    /** The device URI the pool was created or imported with. */
    public String uri() {
        return uri;
    }

    public DeviceIdentity device() {
        return device;
    }

    /** The open device, or null in ERROR. */
    public Bdev bdev() {
        return bdev;
    }

    public boolean loaded() {
        return store != null;
    }

    /** The store; UNAVAILABLE (with the reason) when the pool is in error. */
    public LvolStore store() {
        if (store == null) {
            throw DataplaneException.unavailable("pool " + name + " is not loaded: " + error);
        }
        return store;
    }

    public State state() {
        if (store == null) {
            return State.ERROR;
        }
        return store.blobStore().failureMessage() != null ? State.DEGRADED : State.ONLINE;
    }

    /** Why the pool is not ONLINE, or what its import noticed; empty when there is nothing to say. */
    public String message() {
        if (store == null) {
            return error;
        }
        String failure = store.blobStore().failureMessage();
        if (failure != null) {
            return "metadata writes failed, the pool accepts no more changes: " + failure
                    + "; data already written stays readable. Check the device, then restart the daemon";
        }
        return String.join("; ", notes);
    }

    /** Notes from the import (recovery, unreadable export records). */
    public List<String> notes() {
        return notes;
    }

    boolean removed() {
        return removed;
    }

    void markRemoved() {
        removed = true;
    }

    /**
     * Runs {@code call} under the pool's lock: one mutating call on a pool at a time (the engine
     * serializes its metadata anyway). ABORTED when another call holds the pool for too long;
     * NOT_FOUND when the pool was exported or destroyed meanwhile.
     */
    public <T> T locked(Supplier<T> call) {
        boolean got;
        try {
            got = lock.tryLock(LOCK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataplaneException(DataplaneException.Code.ABORTED, "interrupted waiting for pool " + name);
        }
        if (!got) {
            throw new DataplaneException(
                    DataplaneException.Code.ABORTED,
                    "another call on pool " + name + " has been running for over " + LOCK_WAIT.toSeconds()
                            + " s; retry");
        }
        try {
            if (removed) {
                throw DataplaneException.notFound("pool " + name + " was exported or destroyed meanwhile");
            }
            return call.get();
        } finally {
            lock.unlock();
        }
    }

    void lockForRemoval() {
        lock.lock();
    }

    void unlockAfterRemoval() {
        lock.unlock();
    }

    @Override
    public String toString() {
        return "pool " + name + " on " + uri + " (" + state() + ")";
    }
}
