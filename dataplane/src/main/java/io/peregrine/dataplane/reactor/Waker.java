package io.peregrine.dataplane.reactor;

/**
 * How a {@link ReactorCore} wakes whatever drives it: unpark a parked platform thread, or wake a
 * Netty event loop blocked in epoll. Called from any thread; must be cheap when nothing sleeps.
 */
@FunctionalInterface
public interface Waker {
    void wakeup();
}
