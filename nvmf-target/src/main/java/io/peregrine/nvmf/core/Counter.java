package io.peregrine.nvmf.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A statistic written by one thread and read by others: plain adds on the owner (no fences on the
 * I/O path), opaque reads elsewhere, which see a recent value and never a torn one.
 */
public final class Counter {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(Counter.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through VALUE
    private long value;

    /** Adds {@code delta}; only the owning thread may call this. */
    public void add(long delta) {
        VALUE.setOpaque(this, (long) VALUE.getOpaque(this) + delta);
    }

    public long get() {
        return (long) VALUE.getOpaque(this);
    }
}
