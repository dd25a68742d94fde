package io.peregrine.dataplane.blob;

/**
 * A store operation that was refused or failed. The {@link Reason} is for programs (the gRPC layer
 * maps it to a status code); the message is for people and says what to do.
 */
public final class BlobStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why an operation did not happen. */
    public enum Reason {
        /** No such pool, volume or snapshot. */
        NOT_FOUND,
        /** The name is taken. */
        ALREADY_EXISTS,
        /** A bad name, size or option. */
        INVALID_ARGUMENT,
        /** A size below the current one, or beyond what the pool can describe. */
        OUT_OF_RANGE,
        /** Not enough free clusters. */
        NO_SPACE,
        /** The metadata area cannot describe another blob or attribute. */
        METADATA_FULL,
        /** Other blobs depend on this one (a snapshot with clones). */
        HAS_DEPENDENTS,
        /** In use: open channels, a decouple in progress. */
        BUSY,
        /** Snapshots cannot be changed. */
        READ_ONLY,
        /** A metadata write failed; the store accepts no more changes. */
        STORE_FAILED,
        /** What is on the device is not a pool this build can use. */
        CORRUPT
    }

    private final Reason reason;

    public BlobStoreException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public BlobStoreException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
