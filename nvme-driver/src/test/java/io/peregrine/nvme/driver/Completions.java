package io.peregrine.nvme.driver;

import java.time.Duration;

/** Test helper: a callback that records statuses, and polling until commands complete. */
final class Completions implements IoCallback<int[]> {

    int completed;
    int lastStatus = -1;

    @Override
    public void onComplete(int[] slot, int status) {
        completed++;
        lastStatus = status;
        if (slot != null) slot[0] = status;
    }

    /** Polls until {@code count} callbacks ran, or fails after {@code limit}. */
    void await(IoQueuePair qpair, int count, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (completed < count) {
            qpair.processCompletions(64);
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + completed + " of " + count + " commands completed within " + limit
                        + " (" + qpair + ")");
            }
            Thread.onSpinWait();
        }
    }

    /** Submits through {@code submit} and waits for that one command; answers its status. */
    static int run(IoQueuePair qpair, java.util.function.ToIntFunction<Completions> submit) {
        Completions c = new Completions();
        int rc = submit.applyAsInt(c);
        if (rc != IoQueuePair.SUBMITTED) throw new AssertionError("submission answered " + rc);
        c.await(qpair, 1, Duration.ofSeconds(20));
        return c.lastStatus;
    }

    /** As {@link #run}, first polling until the pair has reconnected after a reset. */
    static int runWhenConnected(IoQueuePair qpair, java.util.function.ToIntFunction<Completions> submit) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!qpair.connected() && System.nanoTime() < deadline) qpair.processCompletions(64);
        return run(qpair, submit);
    }
}
