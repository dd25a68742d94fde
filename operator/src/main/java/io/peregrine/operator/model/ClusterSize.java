package io.peregrine.operator.model;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;

/** The pool's allocation unit, as the dataplane API accepts it (CreatePoolRequest.cluster_size_bytes). */
public final class ClusterSize {

    public static final long MIN = 1L << 20;
    public static final long MAX = 256L << 20;
    public static final long DEFAULT = 4L << 20;

    private ClusterSize() {}

    /**
     * The size in bytes, {@link #DEFAULT} for null.
     *
     * @throws IllegalArgumentException saying what is wrong and which values work
     */
    public static long bytes(Quantity quantity) {
        if (quantity == null) {
            return DEFAULT;
        }
        BigDecimal amount;
        try {
            amount = Quantity.getAmountInBytes(quantity);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException(
                    "spec.clusterSize '" + quantity + "' is not a quantity; write it like 4Mi", e);
        }
        long bytes;
        try {
            bytes = amount.longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    "spec.clusterSize '" + quantity + "' is not a whole number of bytes; " + choices(), e);
        }
        if (bytes < MIN || bytes > MAX || Long.bitCount(bytes) != 1) {
            String what = Long.bitCount(bytes) != 1 || bytes <= 0 ? "is not a power of two" : "is out of range";
            throw new IllegalArgumentException("spec.clusterSize " + quantity + " " + what + "; " + choices());
        }
        return bytes;
    }

    private static String choices() {
        return "use a power of two from 1Mi to 256Mi (1Mi, 2Mi, 4Mi (the default), 8Mi, ... 256Mi)";
    }
}
