package io.peregrine.nvme.tool;

/** The I/O patterns of {@code nvme perf}, named as fio names them. */
enum Workload {
    READ(false, true, false),
    WRITE(false, false, true),
    RANDREAD(true, true, false),
    RANDWRITE(true, false, true),
    RANDRW(true, true, true);

    final boolean random;
    final boolean reads;
    final boolean writes;

    Workload(boolean random, boolean reads, boolean writes) {
        this.random = random;
        this.reads = reads;
        this.writes = writes;
    }

    static Workload parse(String name) {
        for (Workload w : values()) {
            if (w.name().equalsIgnoreCase(name)) return w;
        }
        throw new UsageException("perf: -w takes read, write, randread, randwrite or randrw, not '" + name + "'");
    }

    String fioName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
