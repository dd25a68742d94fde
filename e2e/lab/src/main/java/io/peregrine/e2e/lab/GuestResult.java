package io.peregrine.e2e.lab;

import java.time.Duration;

/**
 * What a guest run left behind. {@code exitCode} is the command's own status, or
 * {@value #TIMED_OUT} when the run overran its limit, or {@value #LAB_FAILED} when the lab
 * itself could not run the command (the reason is in {@code stderr}).
 */
public record GuestResult(int exitCode, String stdout, String stderr, Duration elapsed) {

    public static final int TIMED_OUT = 124;
    public static final int LAB_FAILED = 125;

    public boolean succeeded() {
        return exitCode == 0;
    }

    public boolean timedOut() {
        return exitCode == TIMED_OUT;
    }

    /** A report fit for an assertion message: status, time and both streams. */
    public String describe() {
        String status = switch (exitCode) {
            case TIMED_OUT -> "timed out";
            case LAB_FAILED -> "the lab failed";
            default -> "exit " + exitCode;
        };
        return "guest run: " + status + " after " + elapsed.toMillis() + " ms\n--- stdout ---\n" + stdout
                + "\n--- stderr ---\n" + stderr;
    }
}
