package io.peregrine.dataplane.reactor;

/**
 * Work a {@link ReactorCore} runs on every iteration (SPDK's poller): reap a completion queue,
 * submit batched requests, move a state machine along. Runs on the core's owner thread only.
 */
public interface Poller {
    /**
     * Does one round of work; returns how much was done (completions reaped, requests moved), 0
     * when idle. A core counts an iteration as busy when any poller or message did work.
     */
    int poll();

    /**
     * True while progress can only be noticed by polling: requests are in flight on a device whose
     * completions nobody signals (an NVMe or io_uring completion queue in shared memory). A driver
     * keeps polling, rather than parking indefinitely, while any poller says so.
     */
    default boolean needsPolling() {
        return false;
    }
}
