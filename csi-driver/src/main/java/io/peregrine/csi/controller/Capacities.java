package io.peregrine.csi.controller;

import io.peregrine.csi.server.CsiErrors;
import io.peregrine.csi.v1.CapacityRange;

/**
 * Sizing rules for CreateVolume and ControllerExpandVolume. A volume is a whole number of the
 * pool's clusters (the allocation unit of the logical volume store), so a request is rounded up
 * to the cluster size -- and must still fit under {@code limit_bytes}, or the call is
 * OUT_OF_RANGE. With no range at all, a volume gets {@link #DEFAULT_SIZE}.
 */
public final class Capacities {

    public static final long DEFAULT_SIZE = 1L << 30;

    private Capacities() {}

    /** INVALID_ARGUMENT for negative or crossed bounds (the spec forbids both). */
    public static void validate(CapacityRange range) {
        long required = range.getRequiredBytes();
        long limit = range.getLimitBytes();
        if (required < 0 || limit < 0) {
            throw CsiErrors.invalidArgument(
                    "capacity_range must not be negative: required_bytes " + required + ", limit_bytes " + limit);
        }
        if (limit > 0 && required > limit) {
            throw CsiErrors.invalidArgument(
                    "capacity_range required_bytes " + required + " exceeds limit_bytes " + limit);
        }
    }

    /** The size to create: at least {@code floor} (a source's size), a multiple of {@code unit}. */
    public static long size(CapacityRange range, long unit, long floor) {
        long required = Math.max(range.getRequiredBytes(), floor);
        long limit = range.getLimitBytes();
        long want = required > 0 ? required : limit > 0 ? Math.min(DEFAULT_SIZE, limit) : DEFAULT_SIZE;
        long size = roundUp(want, unit);
        if (limit > 0 && size > limit) {
            // unit 1 is the check made before a pool is chosen: there are no clusters to name yet
            String fits = unit > 1
                    ? want + " bytes rounded up to the pool's " + unit + "-byte clusters is " + size + ","
                    : want + " bytes is";
            throw CsiErrors.outOfRange("no volume size fits: " + fits + " above limit_bytes " + limit
                    + (floor > range.getRequiredBytes() ? " (the source is " + floor + " bytes)" : ""));
        }
        return size;
    }

    public static long roundUp(long bytes, long unit) {
        if (unit <= 0) throw new IllegalArgumentException("allocation unit must be positive: " + unit);
        long units = Math.ceilDiv(bytes, unit);
        return Math.multiplyExact(units, unit);
    }

    /** Whether an existing size satisfies a range (idempotent re-create, expand). */
    public static boolean satisfies(long size, CapacityRange range) {
        return size >= range.getRequiredBytes() && (range.getLimitBytes() == 0 || size <= range.getLimitBytes());
    }
}
