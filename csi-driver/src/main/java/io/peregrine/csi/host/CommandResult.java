package io.peregrine.csi.host;

import java.time.Duration;
import java.util.List;

/** How a host command ended. {@code timedOut} means it was killed after its limit. */
public record CommandResult(
        List<String> argv, int exitCode, String stdout, String stderr, boolean timedOut, Duration elapsed) {

    public CommandResult {
        argv = List.copyOf(argv);
    }

    public boolean succeeded() {
        return !timedOut && exitCode == 0;
    }

    /** "mount -t ext4 ... exited 32: <stderr>" -- for error messages and logs. */
    public String describe() {
        String what = String.join(" ", argv);
        if (timedOut) return what + " did not finish within " + elapsed.toSeconds() + " s and was killed";
        String detail = stderr.isBlank() ? stdout.strip() : stderr.strip();
        return what + " exited " + exitCode + (detail.isEmpty() ? "" : ": " + detail);
    }
}
