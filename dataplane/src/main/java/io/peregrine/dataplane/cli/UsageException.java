package io.peregrine.dataplane.cli;

import java.io.Serial;

/**
 * The command line is wrong: an unknown option, a missing argument, a size or name that does not
 * parse. The message says what was wrong and shows a correct form; the command exits with
 * {@link ExitStatus#USAGE} and sends nothing to the daemon.
 */
public final class UsageException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
