package io.peregrine.nvme.driver;

/**
 * Shape of one I/O queue pair.
 *
 * @param entries        SQ and CQ size; at most {@code entries - 1} commands are outstanding
 *                       (0 takes the controller's default)
 * @param batchDoorbells when true, submissions only advance the SQ tail and the doorbell is
 *                       written once per {@link IoQueuePair#processCompletions} (or by
 *                       {@link IoQueuePair#flushSubmissions()}): one MMIO store per batch instead
 *                       of per command
 */
public record QueuePairOptions(int entries, boolean batchDoorbells) {

    public QueuePairOptions {
        if (entries != 0 && (entries < 2 || entries > 65536)) {
            throw new IllegalArgumentException("queues hold 2-65536 entries, got " + entries);
        }
    }

    public static QueuePairOptions defaults() {
        return new QueuePairOptions(0, true);
    }

    public QueuePairOptions withEntries(int count) {
        return new QueuePairOptions(count, batchDoorbells);
    }

    public QueuePairOptions withBatchDoorbells(boolean batch) {
        return new QueuePairOptions(entries, batch);
    }
}
