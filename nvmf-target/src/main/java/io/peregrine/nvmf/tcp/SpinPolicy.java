package io.peregrine.nvmf.tcp;

import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import java.util.concurrent.TimeUnit;

/**
 * Poll when busy, sleep when idle: an event loop keeps polling its sockets (a non-blocking
 * {@code epoll_wait}) for {@code window} after the last sign of activity, then blocks as usual.
 * Under load a request is picked up without a wakeup (the latency SPDK gets by polling forever);
 * with nothing to do the loop sleeps and costs nothing. A zero window never spins.
 */
public final class SpinPolicy implements SelectStrategyFactory {
    private final long windowNanos;

    private SpinPolicy(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    /** Spins for up to {@code micros} after activity; 0 disables spinning. */
    public static SpinPolicy micros(long micros) {
        if (micros < 0) throw new IllegalArgumentException("the spin window must not be negative, got " + micros);
        return new SpinPolicy(TimeUnit.MICROSECONDS.toNanos(micros));
    }

    public long windowMicros() {
        return TimeUnit.NANOSECONDS.toMicros(windowNanos);
    }

    @Override
    public SelectStrategy newSelectStrategy() {
        if (windowNanos == 0) return (selectNow, hasTasks) -> hasTasks ? selectNow.get() : SelectStrategy.SELECT;
        return new SelectStrategy() {
            private long lastActive;
            private boolean slept;

            @Override
            public int calculateStrategy(io.netty.util.IntSupplier selectNow, boolean hasTasks) throws Exception {
                long now = System.nanoTime();
                if (slept) {
                    // we were woken (a socket, a task or a timer): that is activity
                    slept = false;
                    lastActive = now;
                }
                int ready = selectNow.get();
                if (ready > 0 || hasTasks) {
                    if (ready > 0) lastActive = now;
                    return ready;
                }
                if (now - lastActive < windowNanos) return ready; // keep polling: 0 events, loop again
                slept = true;
                return SelectStrategy.SELECT;
            }
        };
    }
}
