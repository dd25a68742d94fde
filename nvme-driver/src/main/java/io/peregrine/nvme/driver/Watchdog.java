package io.peregrine.nvme.driver;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The controller's control-path thread (a virtual thread): sends Abort for timed-out commands,
 * runs controller resets, and reads CSTS every health-check interval for CFS or a vanished
 * device. Queue-pair owners hand it work through {@link #submit}; it never touches their rings.
 * Asleep between checks, so an idle controller costs nothing.
 */
final class Watchdog {

    private static final System.Logger LOG = System.getLogger(Watchdog.class.getName());

    private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final Runnable healthCheck;
    private final long intervalNanos;
    private final Thread thread;
    private volatile boolean running = true;

    Watchdog(String name, Duration interval, Runnable healthCheck) {
        this.healthCheck = healthCheck;
        this.intervalNanos = interval.toNanos();
        this.thread = Thread.ofVirtual().name(name).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    void submit(Runnable task) {
        tasks.add(task);
    }

    boolean onWatchdogThread() {
        return Thread.currentThread() == thread;
    }

    private void run() {
        long nextCheck = System.nanoTime() + intervalNanos;
        while (running) {
            try {
                long wait = Math.max(0, nextCheck - System.nanoTime());
                Runnable task = tasks.poll(wait, TimeUnit.NANOSECONDS);
                if (!running) break;
                if (task != null) {
                    task.run();
                }
                if (System.nanoTime() - nextCheck >= 0) {
                    nextCheck = System.nanoTime() + intervalNanos;
                    healthCheck.run();
                }
            } catch (InterruptedException e) {
                if (!running) break;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "NVMe watchdog task failed", e);
            }
        }
    }

    void close() {
        running = false;
        thread.interrupt();
        if (!onWatchdogThread()) {
            try {
                thread.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
