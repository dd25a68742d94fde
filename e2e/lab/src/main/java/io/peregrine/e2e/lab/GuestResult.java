package io.peregrine.e2e.lab;

import java.time.Duration;

/**
 * What a guest run left behind. {@code exitCode} is the command's own status, or
 * {@value #TIMED_OUT} when the run overran its limit, or {@value #LAB_FAILED} when the lab
 * itself could not run the command (the reason is in {@code stderr}). {@code jvmCrash} is the
 * head of the fatal-error log a Java main run by {@link GuestLab#runJava} left when its JVM
 * crashed, and empty otherwise.
 */
public record GuestResult(int exitCode, String stdout, String stderr, Duration elapsed, String jvmCrash) {

    public static final int TIMED_OUT = 124;
    public static final int LAB_FAILED = 125;

    public GuestResult(int exitCode, String stdout, String stderr, Duration elapsed) {
        this(exitCode, stdout, stderr, elapsed, "");
    }

    /** Whether the guest JVM died of a fatal error (SIGSEGV, SIGILL, ...) and left a log. */
    public boolean jvmCrashed() {
        return !jvmCrash.isEmpty();
    }

    GuestResult withJvmCrash(String report) {
        return new GuestResult(exitCode, stdout, stderr, elapsed, report);
    }

    public boolean succeeded() {
        return exitCode == 0;
    }

    public boolean timedOut() {
        return exitCode == TIMED_OUT;
    }

    /** A report fit for an assertion message: status, time, the JVM crash log's head if any, both streams. */
    public String describe() {
        String status = switch (exitCode) {
            case TIMED_OUT -> "timed out";
            case LAB_FAILED -> "the lab failed";
            default -> "exit " + exitCode;
        };
        return "guest run: " + status + " after " + elapsed.toMillis() + " ms\n"
                + (jvmCrashed() ? "--- guest JVM crash ---\n" + jvmCrash : "")
                + "--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
    }
}
