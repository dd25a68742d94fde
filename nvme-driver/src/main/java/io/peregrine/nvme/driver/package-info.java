/**
 * The userspace NVMe driver: {@link io.peregrine.nvme.driver.NvmeController} (bring-up, admin
 * queue, logs, error recovery, shutdown), {@link io.peregrine.nvme.driver.Namespace} (the
 * asynchronous NVM commands) and {@link io.peregrine.nvme.driver.IoQueuePair} (the data path).
 *
 * <h2>Threading contract</h2>
 *
 * <ul>
 *   <li><b>One owner per queue pair.</b> An {@code IoQueuePair} belongs to the first thread that
 *       submits on it or polls it; other threads get {@link java.lang.IllegalStateException}. Give
 *       each reactor thread its own pair (and its own {@link io.peregrine.nvme.dma.DmaBufferPool}).
 *       There are no locks, system calls or allocations on the I/O path.
 *   <li><b>Completions run on the owner</b>, as {@link io.peregrine.nvme.driver.IoCallback}s called
 *       from {@link io.peregrine.nvme.driver.IoQueuePair#processCompletions(int)}, with the argument
 *       given at submission. Use one callback instance and pass per-I/O state as the argument (a
 *       pooled request object): a capturing lambda per I/O would allocate. Callbacks may submit;
 *       they must not call {@code processCompletions}.
 *   <li><b>Polling reports work.</b> {@code processCompletions} answers how many commands it
 *       completed; a reactor that gets 0 and sees {@link
 *       io.peregrine.nvme.driver.IoQueuePair#hasOutstanding()} false may park. Submissions are sent
 *       (one doorbell write per batch) by the next {@code processCompletions} or by {@link
 *       io.peregrine.nvme.driver.IoQueuePair#flushSubmissions()}.
 *   <li><b>Control path anywhere.</b> {@code NvmeController} methods (queue pair creation, logs,
 *       reset, close) may be called from any thread; admin commands are serialized. Recovery runs on
 *       the controller's watchdog (a virtual thread): Abort for a command past its timeout, a
 *       controller reset when that fails or CSTS.CFS is seen. During a reset, submissions answer
 *       {@link io.peregrine.nvme.driver.IoQueuePair#DISCONNECTED} at once, commands in flight complete
 *       with "Command Aborted By Host" once the controller has been disabled, and each pair
 *       recreates its queues at its owner's next poll.
 *   <li><b>A buffer is the device's until its callback runs</b>, whatever the status: a command
 *       the driver gives up on completes only when the device can no longer write its buffer (its
 *       queues deleted, the controller disabled or shut down, or Bus Master Enable cleared when it
 *       would not disable), so the callback may recycle the buffer unconditionally.
 * </ul>
 */
package io.peregrine.nvme.driver;
