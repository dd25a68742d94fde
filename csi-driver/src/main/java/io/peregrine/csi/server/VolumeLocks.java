package io.peregrine.csi.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most one operation in flight per volume (or per CSI name while it is being created).
 * The CO is supposed to serialise calls per volume, but after a restart it may not (CSI spec,
 * "Concurrency"); a second call on a busy volume is refused with ABORTED and the CO retries
 * with backoff. Nothing ever waits on another call, so a stuck mount cannot pile up threads.
 */
public final class VolumeLocks {

    private final Set<String> busy = ConcurrentHashMap.newKeySet();

    /** Claims {@code key} for the caller; ABORTED when another call holds it. */
    public Held acquire(String key, String operation) {
        if (!busy.add(key)) {
            throw CsiErrors.aborted("an operation on " + key + " is already in progress; " + operation
                    + " will be retried once it finishes");
        }
        return new Held(key);
    }

    /** Whether a key is held now (for tests and diagnostics). */
    public boolean isHeld(String key) {
        return busy.contains(key);
    }

    /** The claim; closing it releases the key. */
    public final class Held implements AutoCloseable {
        private final String key;
        private boolean released;

        private Held(String key) {
            this.key = key;
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                busy.remove(key);
            }
        }
    }
}
