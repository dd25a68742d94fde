package io.peregrine.nvmf.perf;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;
import io.peregrine.nvmf.buffer.NettyDefaults;
import io.peregrine.nvmf.core.Nqn;
import io.peregrine.nvmf.host.HostController;
import io.peregrine.nvmf.host.HostOptions;
import io.peregrine.nvmf.host.HostQueue;
import io.peregrine.nvmf.host.NvmeException;
import io.peregrine.nvmf.host.NvmeTcpHost;
import io.peregrine.nvmf.tcp.SpinPolicy;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * {@code ./peregrine perf}: an NVMe/TCP load generator in the manner of {@code spdk_nvme_perf},
 * built on the Java host. Connects, runs the workload on event loops with a fixed queue depth,
 * and reports IOPS, bandwidth, latency percentiles and its own CPU use (so a run can show the
 * tool was not the bottleneck).
 */
public final class PerfMain {
    private PerfMain() {}

    public static void main(String[] args) throws Exception {
        NettyDefaults.forDataPath();
        List<String> words = List.of(args);
        if (words.contains("-h") || words.contains("--help")) {
            System.out.print(PerfOptions.USAGE);
            return;
        }
        PerfOptions options;
        try {
            options = PerfOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("perf: " + e.getMessage());
            System.err.print(PerfOptions.USAGE);
            System.exit(2);
            return;
        }
        try {
            PerfResult result = run(options);
            System.out.print(options.json() ? result.toJson() + System.lineSeparator() : result.toText());
            System.exit(result.errors() > 0 || result.mismatches() > 0 ? 1 : 0);
        } catch (NvmeException | IllegalArgumentException e) {
            System.err.println("perf: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Runs {@code options} to the end and returns what was measured. */
    public static PerfResult run(PerfOptions options) throws Exception {
        TransportId trid = options.target();
        String hostNqn = trid.hostnqn() != null ? trid.hostnqn() : Nqn.forHost(UUID.randomUUID());
        try (NvmeTcpHost host = NvmeTcpHost.create(options.threads(), SpinPolicy.micros(options.spinMicros()));
                HostController controller = host.connect(HostOptions.builder(trid.address(), trid.subnqn())
                        .hostNqn(hostNqn)
                        .ioQueues(options.queues())
                        .queueSize(Math.max(options.queueDepth() + 1, 32))
                        .digests(options.headerDigest(), options.dataDigest())
                        .commandTimeout(options.ioTimeout())
                        .keepAlive(options.keepAlive())
                        .build())) {
            List<HostQueue> queues = controller.ioQueues();
            if (queues.size() < options.queues()) {
                throw new IllegalArgumentException("the controller granted " + queues.size() + " I/O queues, "
                        + options.queues() + " were asked for");
            }
            for (HostQueue queue : queues) {
                if (queue.depth() < options.queueDepth()) {
                    throw new IllegalArgumentException("queue depth " + options.queueDepth()
                            + " exceeds what the controller allows (" + queue.depth() + ")");
                }
            }
            HostController.NamespaceInfo ns = controller.namespace(trid.nsid());
            if (ns.blockSize() == 0 || ns.blocks() == 0) {
                throw new IllegalArgumentException("namespace " + trid.nsid() + " is not active on " + trid.subnqn());
            }
            if (options.ioSize() % ns.blockSize() != 0) {
                throw new IllegalArgumentException(
                        "-o " + options.ioSize() + " is not a multiple of the " + ns.blockSize() + "-byte block size");
            }
            long capacity = ns.blocks() * ns.blockSize();
            long span = options.span() > 0 ? Math.min(options.span(), capacity) : capacity;
            long totalSlots = span / options.ioSize();
            if (totalSlots < 1) throw new IllegalArgumentException("the namespace is smaller than one I/O");
            if (options.verify() && totalSlots / queues.size() < 2L * options.queueDepth()) {
                throw new IllegalArgumentException(
                        "--verify needs a span of at least twice the depth in I/Os per queue");
            }

            PerfRun run = new PerfRun(options);
            List<PerfWorker> workers = new ArrayList<>();
            for (int i = 0; i < options.queues(); i++) {
                workers.add(new PerfWorker(
                        run, queues.get(i), i, options.queues(), trid.nsid(), ns.blockSize(), totalSlots));
            }
            try {
                return measure(options, controller, run, workers);
            } finally {
                workers.forEach(PerfWorker::release);
            }
        }
    }

    /**
     * Runs the phases and collects the result. Every wait also ends when a connection goes, which
     * makes the run fail with "connection to ADDR lost after N I/Os: why" instead of waiting out
     * its time (or forever).
     */
    private static PerfResult measure(
            PerfOptions options, HostController controller, PerfRun run, List<PerfWorker> workers) throws Exception {
        List<HostQueue> queues = controller.ioQueues();
        // completed on the loop, after the queue has failed its outstanding commands
        CompletableFuture<String> lost = new CompletableFuture<>();
        HostQueue admin = controller.adminQueue();
        admin.closeFuture().thenRun(() -> lost.complete("admin queue: " + admin.closeReason()));
        for (HostQueue queue : queues) {
            queue.closeFuture().thenRun(() -> lost.complete("queue " + queue.qid() + ": " + queue.closeReason()));
        }
        Duration drainLimit = options.ioTimeout().isZero()
                ? options.time().plusSeconds(30)
                : options.ioTimeout().plusSeconds(10);
        if (options.verify() && options.workload().readPercent() != 0) {
            run.phase(PerfWorker.Phase.PREFILL);
            await(
                    CompletableFuture.allOf(
                            workers.stream().map(PerfWorker::prefill).toArray(CompletableFuture[]::new)),
                    Duration.ofMinutes(10),
                    "writing the span before reading (--verify)",
                    lost,
                    options,
                    workers);
        }
        run.phase(PerfWorker.Phase.WARMUP);
        workers.forEach(PerfWorker::start);
        await(null, options.warmup(), "warm-up", lost, options, workers);

        List<Long> loopThreads = loopThreads(queues);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = threadCpu(threads, loopThreads);
        long alloc0 = threadAllocated(threads, loopThreads);
        long process0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        run.phase(PerfWorker.Phase.MEASURE);
        await(null, options.time(), "the run", lost, options, workers);
        run.phase(PerfWorker.Phase.STOP);
        long t1 = System.nanoTime();
        long cpu1 = threadCpu(threads, loopThreads);
        long alloc1 = threadAllocated(threads, loopThreads);
        long process1 = os.getProcessCpuTime();
        await(
                CompletableFuture.allOf(
                        workers.stream().map(PerfWorker::drained).toArray(CompletableFuture[]::new)),
                drainLimit,
                "waiting for the last commands",
                lost,
                options,
                workers);
        // the drain may have ended because a connection failed the last commands: say so
        if (admin.closeReason() != null || queues.stream().anyMatch(q -> q.closeReason() != null)) {
            await(null, Duration.ofSeconds(10), "", lost, options, workers);
        }

        Histogram all = new Histogram(60_000_000_000L, 3);
        long ios = 0;
        long bytes = 0;
        long errors = 0;
        int firstError = 0;
        long verified = 0;
        long mismatches = 0;
        String firstMismatch = null;
        for (PerfWorker worker : workers) {
            all.add(worker.histogram());
            ios += worker.ios();
            bytes += worker.bytes();
            if (worker.errors() > 0 && errors == 0) firstError = worker.firstErrorStatus();
            errors += worker.errors();
            if (worker.verifier() != null) {
                verified += worker.verifier().checkedBlocks();
                mismatches += worker.verifier().mismatches();
                if (firstMismatch == null) firstMismatch = worker.verifier().firstMismatch();
            }
        }
        double seconds = (t1 - t0) / 1e9;
        double[] latency = ios == 0
                ? new double[5]
                : new double[] {
                    all.getMean(),
                    all.getValueAtPercentile(50),
                    all.getValueAtPercentile(99),
                    all.getValueAtPercentile(99.9),
                    all.getMaxValue()
                };
        return new PerfResult(
                options,
                ios,
                bytes,
                seconds,
                latency,
                100.0 * (cpu1 - cpu0) / (t1 - t0),
                100.0 * (process1 - process0) / (t1 - t0),
                ios == 0 ? 0 : (double) (alloc1 - alloc0) / ios,
                errors,
                firstError,
                verified,
                mismatches,
                firstMismatch);
    }

    /**
     * Waits until {@code done} completes (or, when it is null, for {@code limit}) unless a
     * connection is lost first: then throws the one-line {@link NvmeException} perf exits with.
     */
    private static void await(
            CompletableFuture<?> done,
            Duration limit,
            String what,
            CompletableFuture<String> lost,
            PerfOptions options,
            List<PerfWorker> workers)
            throws Exception {
        try {
            (done == null ? lost : CompletableFuture.anyOf(done, lost)).get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            if (done != null) {
                throw new NvmeException(what + " did not finish within " + limit.toSeconds() + " s", -1);
            }
        }
        if (lost.isDone()) {
            long ios = 0;
            for (PerfWorker worker : workers) {
                // the counters belong to the loops; they are still running
                ios += worker.queue().eventLoop().submit(worker::completedOk).get(5, TimeUnit.SECONDS);
            }
            InetSocketAddress address = options.target().address();
            throw new NvmeException(
                    "connection to " + address.getHostString() + ":" + address.getPort() + " lost after " + ios
                            + " I/Os: " + lost.getNow(null),
                    -1);
        }
    }

    private static List<Long> loopThreads(List<HostQueue> queues) throws Exception {
        List<Long> ids = new ArrayList<>();
        for (HostQueue queue : queues) {
            long id = queue.eventLoop()
                    .submit(() -> Thread.currentThread().threadId())
                    .get();
            if (!ids.contains(id)) ids.add(id);
        }
        return ids;
    }

    private static long threadCpu(ThreadMXBean threads, List<Long> ids) {
        long total = 0;
        for (long id : ids) total += Math.max(0, threads.getThreadCpuTime(id));
        return total;
    }

    private static long threadAllocated(ThreadMXBean threads, List<Long> ids) {
        long total = 0;
        for (long id : ids) total += Math.max(0, threads.getThreadAllocatedBytes(id));
        return total;
    }
}
