package io.peregrine.dataplane.blob.format;

/**
 * On-disk metadata that cannot be understood: not a pool, an unsupported version, or a structure
 * that contradicts itself. The message says where (which copy, which LSN, which blob).
 */
public final class FormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public FormatException(String message) {
        super(message);
    }
}
