package io.peregrine.nvmf.perf;

import java.util.Locale;

/** The I/O pattern of a perf run ({@code -w}). */
public enum Workload {
    READ(false, 100),
    WRITE(false, 0),
    RANDREAD(true, 100),
    RANDWRITE(true, 0),
    RANDRW(true, -1);

    private final boolean random;
    private final int readPercent;

    Workload(boolean random, int readPercent) {
        this.random = random;
        this.readPercent = readPercent;
    }

    public boolean random() {
        return random;
    }

    /** Percent of reads; -1 when {@code -M} decides. */
    public int readPercent() {
        return readPercent;
    }

    public static Workload parse(String text) {
        try {
            return valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-w is read, write, randread, randwrite or randrw; got " + text);
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
