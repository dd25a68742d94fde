package io.peregrine.nvme.driver;

import java.time.Duration;
import java.util.Objects;

/**
 * How the driver runs a controller.
 *
 * @param adminQueueEntries    admin SQ/CQ size
 * @param ioQueuePairs         I/O queue pairs asked for with Set Features (the controller may grant fewer)
 * @param ioQueueEntries       default I/O SQ/CQ size (capped by CAP.MQES + 1)
 * @param maxTransferBytes     the largest single command's data (capped by MDTS): sizes each
 *                             request's PRP list
 * @param adminTimeout         limit for one admin command
 * @param ioTimeout            limit for one I/O command before the driver sends Abort; after as
 *                             long again without a completion it resets the controller
 * @param healthCheckInterval  how often the watchdog reads CSTS for CFS (and device loss)
 * @param resetAttempts        resets tried in a row before the controller is FAILED
 * @param shutdownTimeout      limit for CC.SHN when Identify reports no RTD3E
 */
public record ControllerOptions(
        int adminQueueEntries,
        int ioQueuePairs,
        int ioQueueEntries,
        int maxTransferBytes,
        Duration adminTimeout,
        Duration ioTimeout,
        Duration healthCheckInterval,
        int resetAttempts,
        Duration shutdownTimeout) {

    public ControllerOptions {
        if (adminQueueEntries < 2 || adminQueueEntries > 4096) {
            throw new IllegalArgumentException("admin queues hold 2-4096 entries, got " + adminQueueEntries);
        }
        if (ioQueuePairs < 1 || ioQueuePairs > 65535) {
            throw new IllegalArgumentException("I/O queue pairs are 1-65535, got " + ioQueuePairs);
        }
        if (ioQueueEntries < 2 || ioQueueEntries > 65536) {
            throw new IllegalArgumentException("I/O queues hold 2-65536 entries, got " + ioQueueEntries);
        }
        if (maxTransferBytes < 4096 || maxTransferBytes > (2 << 20) || Integer.bitCount(maxTransferBytes) != 1) {
            throw new IllegalArgumentException(
                    "the largest transfer must be a power of two from 4 KiB to 2 MiB, got " + maxTransferBytes);
        }
        Objects.requireNonNull(adminTimeout, "adminTimeout");
        Objects.requireNonNull(ioTimeout, "ioTimeout");
        Objects.requireNonNull(healthCheckInterval, "healthCheckInterval");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        if (resetAttempts < 1) throw new IllegalArgumentException("at least one reset attempt, got " + resetAttempts);
    }

    public static ControllerOptions defaults() {
        return new ControllerOptions(
                32,
                64,
                256,
                128 * 1024,
                Duration.ofSeconds(10),
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                3,
                Duration.ofSeconds(10));
    }

    public ControllerOptions withIoQueuePairs(int pairs) {
        return new ControllerOptions(
                adminQueueEntries,
                pairs,
                ioQueueEntries,
                maxTransferBytes,
                adminTimeout,
                ioTimeout,
                healthCheckInterval,
                resetAttempts,
                shutdownTimeout);
    }

    public ControllerOptions withIoQueueEntries(int entries) {
        return new ControllerOptions(
                adminQueueEntries,
                ioQueuePairs,
                entries,
                maxTransferBytes,
                adminTimeout,
                ioTimeout,
                healthCheckInterval,
                resetAttempts,
                shutdownTimeout);
    }

    public ControllerOptions withMaxTransferBytes(int bytes) {
        return new ControllerOptions(
                adminQueueEntries,
                ioQueuePairs,
                ioQueueEntries,
                bytes,
                adminTimeout,
                ioTimeout,
                healthCheckInterval,
                resetAttempts,
                shutdownTimeout);
    }

    public ControllerOptions withTimeouts(Duration admin, Duration io) {
        return new ControllerOptions(
                adminQueueEntries,
                ioQueuePairs,
                ioQueueEntries,
                maxTransferBytes,
                admin,
                io,
                healthCheckInterval,
                resetAttempts,
                shutdownTimeout);
    }

    public ControllerOptions withHealthCheckInterval(Duration interval) {
        return new ControllerOptions(
                adminQueueEntries,
                ioQueuePairs,
                ioQueueEntries,
                maxTransferBytes,
                adminTimeout,
                ioTimeout,
                interval,
                resetAttempts,
                shutdownTimeout);
    }
}
