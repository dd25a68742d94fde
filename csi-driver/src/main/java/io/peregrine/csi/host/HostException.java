package io.peregrine.csi.host;

/** A host tool or kernel interface failed; the message names the command and its output. */
public final class HostException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean timedOut;

    public HostException(String message, boolean timedOut) {
        super(message);
        this.timedOut = timedOut;
    }

    public HostException(CommandResult result) {
        this(result.describe(), result.timedOut());
    }

    public boolean timedOut() {
        return timedOut;
    }
}
