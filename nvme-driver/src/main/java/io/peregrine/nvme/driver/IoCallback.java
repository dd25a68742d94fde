package io.peregrine.nvme.driver;

/**
 * What an I/O command calls when it completes, on the thread that owns its queue pair, from
 * inside {@link IoQueuePair#processCompletions(int)}. The argument is the one given at submission —
 * typically the caller's own pooled request — so a single callback instance serves every I/O and
 * nothing is allocated per command (no capturing lambdas on the I/O path).
 *
 * @param <A> the argument type
 */
@FunctionalInterface
public interface IoCallback<A> {

    /**
     * @param arg    the argument given at submission
     * @param status the 15-bit NVMe Status Field: {@code 0} is success; see
     *               {@link io.peregrine.nvme.spec.Status} to decode it. Commands the driver had to
     *               give up on (controller reset, queue pair closed) complete with "Command
     *               Aborted By Host" (SCT 3h, SC 71h).
     */
    void onComplete(A arg, int status);
}
