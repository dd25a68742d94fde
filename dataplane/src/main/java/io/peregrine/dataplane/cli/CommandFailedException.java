package io.peregrine.dataplane.cli;

import io.grpc.Status;
import java.io.Serial;

/**
 * A command that cannot finish: the daemon refused the request, could not be reached, or a local
 * precondition failed. Carries the exit status ({@link ExitStatus}), one message for people, and
 * the gRPC status code when the daemon's answer was the reason.
 */
public final class CommandFailedException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final int exitStatus;
    private final transient Status.Code code;

    public CommandFailedException(int exitStatus, String message) {
        this(exitStatus, message, null, null);
    }

    public CommandFailedException(int exitStatus, String message, Status.Code code, Throwable cause) {
        super(message, cause);
        this.exitStatus = exitStatus;
        this.code = code;
    }

    public int exitStatus() {
        return exitStatus;
    }

    /** The daemon's answer, or null when the failure did not come from one. */
    public Status.Code code() {
        return code;
    }

    public boolean notFound() {
        return code == Status.Code.NOT_FOUND;
    }
}
