package io.peregrine.nvmf.perf;

/** What all workers of one run share: the options and the current phase. */
final class PerfRun {
    private final PerfOptions options;
    private volatile PerfWorker.Phase phase = PerfWorker.Phase.WARMUP;

    PerfRun(PerfOptions options) {
        this.options = options;
    }

    PerfOptions options() {
        return options;
    }

    PerfWorker.Phase phase() {
        return phase;
    }

    void phase(PerfWorker.Phase value) {
        phase = value;
    }
}
