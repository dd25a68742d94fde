package io.peregrine.dataplane.bdev;

/** A device URI that cannot be used: names the URI, what was wrong, and shows a good one. */
public final class InvalidBdevUriException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidBdevUriException(String uri, String problem, String example) {
        super("invalid device URI '" + uri + "': " + problem + " (example: " + example + ")");
    }
}
