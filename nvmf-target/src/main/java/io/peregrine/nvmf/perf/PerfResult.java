package io.peregrine.nvmf.perf;

import io.peregrine.nvme.spec.Status;
import java.util.Locale;

/**
 * What a perf run measured.
 *
 * @param ios I/Os completed in the measured window
 * @param seconds length of the measured window
 * @param latencyNanos average, p50, p99, p99.9 and max latency, nanoseconds
 * @param loopCpuPercent CPU time of the host's event loop threads, percent of one core
 * @param processCpuPercent CPU time of the whole perf process, percent of one core
 * @param allocatedBytesPerIo bytes the event loop threads allocated per I/O in the window
 */
public record PerfResult(
        PerfOptions options,
        long ios,
        long bytes,
        double seconds,
        double[] latencyNanos,
        double loopCpuPercent,
        double processCpuPercent,
        double allocatedBytesPerIo,
        long errors,
        int firstErrorStatus,
        long verifiedBlocks,
        long mismatches,
        String firstMismatch) {

    public double iops() {
        return ios / seconds;
    }

    public double mibPerSecond() {
        return bytes / seconds / (1 << 20);
    }

    public String toText() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                Locale.ROOT,
                "perf: %s %d B, qd %d x %d queue(s), %.1f s measured, %s%n",
                options.workload()
                        + (options.workload() == Workload.RANDRW ? " (" + options.readPercent() + "% reads)" : ""),
                options.ioSize(),
                options.queueDepth(),
                options.queues(),
                seconds,
                options.target().subnqn()));
        s.append(String.format(Locale.ROOT, "  IOPS       %,.0f%n", iops()));
        s.append(String.format(Locale.ROOT, "  MiB/s      %,.1f%n", mibPerSecond()));
        s.append(String.format(
                Locale.ROOT,
                "  latency    avg %.1f us, p50 %.1f, p99 %.1f, p99.9 %.1f, max %.1f%n",
                latencyNanos[0] / 1e3,
                latencyNanos[1] / 1e3,
                latencyNanos[2] / 1e3,
                latencyNanos[3] / 1e3,
                latencyNanos[4] / 1e3));
        s.append(String.format(
                Locale.ROOT,
                "  perf CPU   event loops %.1f%% of a core, process %.1f%%, %.2f bytes allocated per I/O%n",
                loopCpuPercent,
                processCpuPercent,
                allocatedBytesPerIo));
        s.append(String.format(
                Locale.ROOT,
                "  errors     %d%s%n",
                errors,
                errors > 0 ? " (first: " + Status.describe(firstErrorStatus) + ")" : ""));
        if (options.verify()) {
            s.append(String.format(
                    Locale.ROOT,
                    "  verify     %d blocks checked, %d mismatches%s%n",
                    verifiedBlocks,
                    mismatches,
                    firstMismatch != null ? " (first: " + firstMismatch + ")" : ""));
        }
        return s.toString();
    }

    public String toJson() {
        StringBuilder s = new StringBuilder("{");
        field(s, "workload", "\"" + options.workload() + "\"");
        field(s, "read_percent", Integer.toString(options.readPercent()));
        field(s, "io_size", Integer.toString(options.ioSize()));
        field(s, "queue_depth", Integer.toString(options.queueDepth()));
        field(s, "queues", Integer.toString(options.queues()));
        field(s, "subnqn", "\"" + options.target().subnqn() + "\"");
        field(s, "seconds", number(seconds));
        field(s, "ios", Long.toString(ios));
        field(s, "iops", number(iops()));
        field(s, "mib_per_second", number(mibPerSecond()));
        s.append("\"latency_us\":{");
        String[] names = {"avg", "p50", "p99", "p99_9", "max"};
        for (int i = 0; i < names.length; i++) {
            s.append('"').append(names[i]).append("\":").append(number(latencyNanos[i] / 1e3));
            s.append(i + 1 < names.length ? "," : "},");
        }
        field(s, "perf_event_loop_cpu_percent", number(loopCpuPercent));
        field(s, "perf_process_cpu_percent", number(processCpuPercent));
        field(s, "perf_allocated_bytes_per_io", number(allocatedBytesPerIo));
        field(s, "errors", Long.toString(errors));
        if (options.verify()) {
            field(s, "verified_blocks", Long.toString(verifiedBlocks));
            field(s, "mismatches", Long.toString(mismatches));
        }
        s.setLength(s.length() - 1);
        return s.append('}').toString();
    }

    private static void field(StringBuilder s, String name, String value) {
        s.append('"').append(name).append("\":").append(value).append(',');
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
