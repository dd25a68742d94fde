package io.peregrine.nvme.tool;

import io.peregrine.nvme.NvmeDevice;
import io.peregrine.nvme.dma.DmaOptions;
import io.peregrine.nvme.driver.ControllerOptions;
import io.peregrine.nvme.driver.Namespace;
import io.peregrine.nvme.spec.Status;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * {@code nvme perf}: keeps DEPTH commands of SIZE bytes in flight on each thread's own queue pair
 * for a while and reports IOPS, MiB/s, latency percentiles (HdrHistogram) and the CPU it took —
 * process CPU-seconds over the measured window, and per million I/Os, for comparing against the
 * kernel's path with the same controller.
 */
final class PerfCommand {

    private PerfCommand() {}

    static int run(List<String> args, PrintStream out) throws InterruptedException {
        if (args.contains("-h") || args.contains("--help")) {
            out.print(PerfOptions.USAGE);
            return 0;
        }
        PerfOptions o = PerfOptions.parse(args);
        ControllerOptions controllerOptions = ControllerOptions.defaults()
                .withIoQueuePairs(Math.max(o.threads(), 1))
                .withIoQueueEntries(Math.max(o.depth() + 1, 2))
                .withMaxTransferBytes(Math.max(4096, Integer.highestOneBit(Math.max(o.ioSize() - 1, 1)) << 1));
        try (NvmeDevice device = NvmeDevice.open(o.uri(), controllerOptions, DmaOptions.defaults())) {
            Namespace ns = o.nsid() == 0
                    ? device.controller().namespaces().stream()
                            .findFirst()
                            .orElseThrow(() -> new UsageException("perf: " + o.uri() + " has no active namespace"))
                    : device.controller()
                            .namespace(o.nsid())
                            .orElseThrow(
                                    () -> new UsageException("perf: " + o.uri() + " has no namespace " + o.nsid()));
            if (o.ioSize() % ns.blockSize() != 0) {
                throw new UsageException("perf: -o " + o.ioSize() + " is not a multiple of the " + ns.blockSize()
                        + "-byte blocks of namespace " + ns.nsid());
            }
            if (o.ioSize() / ns.blockSize() > ns.maxBlocksPerIo()) {
                throw new UsageException(
                        "perf: -o " + o.ioSize() + " is more than one command moves on this controller ("
                                + (long) ns.maxBlocksPerIo() * ns.blockSize() + " bytes)");
            }
            long range = o.rangeBytes() != 0 ? Math.min(o.rangeBytes(), ns.sizeBytes()) : ns.sizeBytes();
            if (o.verify() && o.rangeBytes() == 0) range = Math.min(range, 1L << 30);
            long units = range / o.ioSize();
            if (units < (long) o.threads() * Math.max(1, o.verify() ? o.depth() : 1)) {
                throw new UsageException(
                        "perf: the range holds " + units + " I/Os of " + o.ioSize() + " bytes, too few for "
                                + o.threads() + " thread(s)" + (o.verify() ? " at depth " + o.depth() : ""));
            }
            if (o.verify() && units / o.threads() > Integer.MAX_VALUE) {
                throw new UsageException("perf: --verify tracks every I/O unit; use --range to narrow it");
            }
            Map<String, Object> report = measure(o, device, ns, units);
            out.print(o.json() ? Json.write(report) : text(report));
            boolean clean = ((Number) report.get("errors")).longValue() == 0
                    && ((Number) report.get("verify_mismatches")).longValue() == 0
                    && report.get("failure") == null;
            return clean ? 0 : 1;
        }
    }

    private static Map<String, Object> measure(PerfOptions o, NvmeDevice device, Namespace ns, long units)
            throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(o.threads());
        long[] start = {0};
        List<PerfWorker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long perThread = units / o.threads();
        for (int t = 0; t < o.threads(); t++) {
            PerfWorker worker =
                    new PerfWorker(o, device.controller(), ns, t * perThread, perThread, ready, start, t + 1);
            workers.add(worker);
            threads.add(Thread.ofPlatform().name("perf-" + t).start(worker));
        }
        ready.await();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long t0 = System.nanoTime();
        synchronized (start) {
            start[0] = t0;
            start.notifyAll();
        }
        sleepUntil(t0 + o.warmUp().toNanos());
        long cpu0 = os.getProcessCpuTime();
        double system0 = SystemCpu.busySeconds();
        long wall0 = System.nanoTime();
        sleepUntil(t0 + o.warmUp().toNanos() + o.time().toNanos());
        long cpu1 = os.getProcessCpuTime();
        double system1 = SystemCpu.busySeconds();
        long wall1 = System.nanoTime();
        for (Thread t : threads) t.join();

        Histogram latency = new Histogram(1, TimeUnit.SECONDS.toNanos(60), 3);
        long ios = 0;
        long reads = 0;
        long writes = 0;
        long errors = 0;
        long mismatches = 0;
        int lastError = 0;
        long threadCpu = 0;
        long window = 0;
        String failure = null;
        for (PerfWorker w : workers) {
            latency.add(w.latency);
            ios += w.ios;
            reads += w.reads;
            writes += w.writes;
            errors += w.errors;
            mismatches += w.mismatches;
            if (w.lastError != 0) lastError = w.lastError;
            threadCpu += w.threadCpuNanos;
            window = Math.max(window, w.windowNanos);
            if (w.failure != null && failure == null) failure = w.failure.toString();
        }
        double seconds = (window > 0 ? window : wall1 - wall0) / 1e9;
        double processCpu = (cpu1 - cpu0) / 1e9;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("uri", o.uri().toString());
        r.put("workload", o.workload().fioName());
        if (o.workload() == Workload.RANDRW) r.put("read_percent", o.readPercent());
        r.put("io_size", o.ioSize());
        r.put("queue_depth", o.depth());
        r.put("threads", o.threads());
        r.put("seconds", seconds);
        r.put("ios", ios);
        r.put("reads", reads);
        r.put("writes", writes);
        r.put("iops", ios / seconds);
        r.put("mib_per_second", ios * (double) o.ioSize() / seconds / (1 << 20));
        Map<String, Object> lat = new LinkedHashMap<>();
        lat.put("avg", latency.getTotalCount() == 0 ? 0.0 : latency.getMean() / 1000);
        lat.put("p50", latency.getValueAtPercentile(50) / 1000.0);
        lat.put("p99", latency.getValueAtPercentile(99) / 1000.0);
        lat.put("p99_9", latency.getValueAtPercentile(99.9) / 1000.0);
        lat.put("max", latency.getMaxValue() / 1000.0);
        r.put("latency_us", lat);
        r.put("process_cpu_seconds", processCpu);
        r.put("io_thread_cpu_seconds", threadCpu / 1e9);
        r.put("cpu_seconds_per_million_ios", ios == 0 ? 0.0 : processCpu / (ios / 1e6));
        if (system0 >= 0 && system1 >= 0) {
            // /proc/stat covers the sampled wall window, which the workers' windows match to within ms
            double systemCpu = system1 - system0;
            double windowIos = ios * ((wall1 - wall0) / 1e9) / seconds;
            r.put("system_cpu_seconds", systemCpu);
            r.put("system_cpu_seconds_per_million_ios", windowIos == 0 ? 0.0 : systemCpu / (windowIos / 1e6));
        }
        r.put("errors", errors);
        if (lastError != 0) r.put("last_error", Status.describe(lastError));
        r.put("verify", o.verify());
        r.put("verify_mismatches", mismatches);
        r.put("dma_hugepages", device.dmaMemory().hugePages());
        r.put("controller_resets", device.controller().resets());
        if (failure != null) r.put("failure", failure);
        return r;
    }

    private static void sleepUntil(long deadline) throws InterruptedException {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, 50_000_000));
        }
    }

    @SuppressWarnings("unchecked")
    static String text(Map<String, Object> r) {
        Map<String, Object> lat = (Map<String, Object>) r.get("latency_us");
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                "%s  %s%s  %s  qd %d  %d thread%s  %.1f s%n",
                r.get("uri"),
                r.get("workload"),
                r.containsKey("read_percent") ? " (" + r.get("read_percent") + "% reads)" : "",
                Units.bytes(((Number) r.get("io_size")).longValue()),
                (Integer) r.get("queue_depth"),
                (Integer) r.get("threads"),
                (Integer) r.get("threads") == 1 ? "" : "s",
                (Double) r.get("seconds")));
        s.append(String.format(
                "  IOPS %.0f   MiB/s %.1f   I/Os %d (%d reads, %d writes)   errors %d%n",
                (Double) r.get("iops"),
                (Double) r.get("mib_per_second"),
                (Long) r.get("ios"),
                (Long) r.get("reads"),
                (Long) r.get("writes"),
                (Long) r.get("errors")));
        s.append(String.format(
                "  latency us   avg %.1f   p50 %.1f   p99 %.1f   p99.9 %.1f   max %.1f%n",
                (Double) lat.get("avg"),
                (Double) lat.get("p50"),
                (Double) lat.get("p99"),
                (Double) lat.get("p99_9"),
                (Double) lat.get("max")));
        s.append(String.format(
                "  CPU          process %.2f s (%.3f s per million I/Os)   I/O threads %.2f s%n",
                (Double) r.get("process_cpu_seconds"), (Double) r.get("cpu_seconds_per_million_ios"), (Double)
                        r.get("io_thread_cpu_seconds")));
        if ((Boolean) r.get("verify")) {
            s.append("  verify       ").append(r.get("verify_mismatches")).append(" mismatches\n");
        }
        if (r.containsKey("last_error"))
            s.append("  last error   ").append(r.get("last_error")).append('\n');
        if (((Long) r.get("controller_resets")) > 0) {
            s.append("  resets       ").append(r.get("controller_resets")).append('\n');
        }
        if (!(Boolean) r.get("dma_hugepages")) s.append("  DMA memory   4 KiB pages (no hugepages)\n");
        if (r.containsKey("failure"))
            s.append("  FAILED       ").append(r.get("failure")).append('\n');
        return s.toString();
    }
}
