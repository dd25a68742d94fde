package io.peregrine.nvmf.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.nvme.spec.NvmOpcode;
import io.peregrine.nvme.spec.Sqe;
import io.peregrine.nvme.spec.Status;
import io.peregrine.nvme.spec.StatusCode;
import io.peregrine.nvmf.core.Nqn;
import io.peregrine.nvmf.core.Port;
import io.peregrine.nvmf.host.HostCompletion;
import io.peregrine.nvmf.host.HostController;
import io.peregrine.nvmf.host.HostOptions;
import io.peregrine.nvmf.host.HostQueue;
import io.peregrine.nvmf.host.NvmeException;
import io.peregrine.nvmf.host.NvmeTcpHost;
import io.peregrine.nvmf.namespace.MemoryNamespace;
import io.peregrine.nvmf.target.NvmfTarget;
import io.peregrine.nvmf.testing.FreezableProxy;
import io.peregrine.nvmf.testing.LeakCheck;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The host and perf when the target goes away mid-run: stopped (its sockets close), or silent
 * (a frozen network: nothing closes, only keep alive and the command timeout can tell). Nothing
 * may hang: every outstanding command fails, and perf ends with one line saying what happened.
 * The waits below only bound a hang; they measure nothing.
 */
@ExtendWith(LeakCheck.class)
class LostConnectionTest {
    private static final Pattern LOST =
            Pattern.compile("connection to 127\\.0\\.0\\.1:\\d+ lost after [1-9]\\d* I/Os: .+");

    private final UUID volume = UUID.randomUUID();
    private final String hostNqn = Nqn.forHost(UUID.randomUUID());
    private final List<AutoCloseable> resources = new ArrayList<>();
    private NvmfTarget target;
    private Port port;

    @BeforeEach
    void startTarget() {
        target = NvmfTarget.builder().threads(1).build();
        port = target.listen(new InetSocketAddress("127.0.0.1", 0));
        target.exportVolume(volume, new MemoryNamespace(4096, 8192)).allowHost(hostNqn);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable resource : resources.reversed()) resource.close();
        target.close();
    }

    private String trid(int tcpPort) {
        return "trtype:tcp traddr:127.0.0.1 trsvcid:" + tcpPort + " subnqn:" + Nqn.forVolume(volume) + " hostnqn:"
                + hostNqn;
    }

    private static CompletableFuture<PerfResult> perf(String trid, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "-r", trid, "-q", "8", "-o", "4K", "-w", "randrw", "-t", "120", "--warmup", "0", "--span", "4M"));
        args.addAll(List.of(more));
        PerfOptions options = PerfOptions.parse(args.toArray(String[]::new));
        CompletableFuture<PerfResult> result = new CompletableFuture<>();
        Thread.ofPlatform().name("perf").start(() -> {
            try {
                result.complete(PerfMain.run(options));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** The perf run's failure: the one line {@code ./peregrine perf} prints before exiting 1. */
    private static String lostLine(CompletableFuture<PerfResult> run) throws Exception {
        ExecutionException failed = assertThrows(ExecutionException.class, () -> run.get(60, TimeUnit.SECONDS));
        NvmeException lost = assertInstanceOf(NvmeException.class, failed.getCause());
        String line = lost.getMessage();
        assertTrue(LOST.matcher(line).matches(), line);
        assertTrue(line.lines().count() == 1, line);
        return line;
    }

    @Test
    void perfEndsWithOneLineWhenTheTargetStopsMidRun() throws Exception {
        CompletableFuture<PerfResult> run = perf(trid(port.port()), "--verify");
        Thread.sleep(1500);
        long stopped = System.nanoTime();
        target.close();
        String line = lostLine(run);
        System.out.printf(
                "perf returned %d ms after the target stopped: %s%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped), line);
    }

    @Test
    void perfGivesUpOnASilentControllerAfterKeepAliveTimeout() throws Exception {
        FreezableProxy proxy = new FreezableProxy(new InetSocketAddress("127.0.0.1", port.port()));
        resources.add(proxy);
        CompletableFuture<PerfResult> run = perf(trid(proxy.port()), "--kato", "1", "--io-timeout", "60");
        Thread.sleep(1000);
        proxy.freeze();
        String line = lostLine(run);
        assertTrue(line.contains("did not answer Keep Alive within KATO (1000 ms)"), line);
    }

    @Test
    void perfGivesUpOnACommandWithoutAnswerAfterTheIoTimeout() throws Exception {
        FreezableProxy proxy = new FreezableProxy(new InetSocketAddress("127.0.0.1", port.port()));
        resources.add(proxy);
        CompletableFuture<PerfResult> run = perf(trid(proxy.port()), "--kato", "0", "--io-timeout", "1");
        Thread.sleep(1000);
        proxy.freeze();
        String line = lostLine(run);
        assertTrue(line.contains("got no answer within 1000 ms"), line);
    }

    private HostController connect(NvmeTcpHost host, int tcpPort, Duration commandTimeout) {
        return host.connect(HostOptions.builder(new InetSocketAddress("127.0.0.1", tcpPort), Nqn.forVolume(volume))
                .hostNqn(hostNqn)
                .keepAlive(Duration.ZERO)
                .commandTimeout(commandTimeout)
                .build());
    }

    private static CompletableFuture<HostCompletion> readBlock(HostQueue queue, long slba) {
        return queue.execute(
                sqe -> {
                    Sqe.opcode(sqe, 0, NvmOpcode.OPC_READ);
                    Sqe.nsid(sqe, 0, 1);
                    Sqe.slba(sqe, 0, slba);
                },
                null,
                4096);
    }

    @Test
    void aTimedOutCommandIsAbortedByTheHostAndTheOthersFailWithHostPathingError() throws Exception {
        FreezableProxy proxy = new FreezableProxy(new InetSocketAddress("127.0.0.1", port.port()));
        resources.add(proxy);
        try (NvmeTcpHost host = NvmeTcpHost.create(1);
                HostController controller = connect(host, proxy.port(), Duration.ofMillis(500))) {
            HostQueue queue = controller.ioQueues().getFirst();
            assertTrue(readBlock(queue, 0).get(10, TimeUnit.SECONDS).success());
            proxy.freeze();
            CompletableFuture<HostCompletion> first = readBlock(queue, 1);
            Thread.sleep(300);
            CompletableFuture<HostCompletion> second = readBlock(queue, 2);
            HostCompletion late = first.get(10, TimeUnit.SECONDS);
            assertTrue(Status.is(late.status(), StatusCode.ABORTED_BY_HOST), Status.describe(late.status()));
            // the second was not overdue yet, but its connection is gone
            HostCompletion other = second.get(10, TimeUnit.SECONDS);
            assertTrue(Status.is(other.status(), StatusCode.HOST_PATHING_ERROR), Status.describe(other.status()));
            queue.closeFuture().get(10, TimeUnit.SECONDS);
            assertEquals(HostQueue.Phase.CLOSED, queue.phase());
            assertTrue(queue.closeReason().contains("got no answer within 500 ms"), queue.closeReason());
            ExecutionException refused = assertThrows(
                    ExecutionException.class, () -> readBlock(queue, 3).get(10, TimeUnit.SECONDS));
            assertTrue(refused.getCause().getMessage().contains("no answer within 500 ms"), refused.getMessage());
        }
    }

    @Test
    void everyOutstandingCommandFailsWhenTheConnectionCloses() throws Exception {
        FreezableProxy proxy = new FreezableProxy(new InetSocketAddress("127.0.0.1", port.port()));
        resources.add(proxy);
        try (NvmeTcpHost host = NvmeTcpHost.create(1);
                HostController controller = connect(host, proxy.port(), Duration.ofSeconds(30))) {
            HostQueue queue = controller.ioQueues().getFirst();
            proxy.freeze();
            List<CompletableFuture<HostCompletion>> reads = new ArrayList<>();
            for (int i = 0; i < 16; i++) reads.add(readBlock(queue, i));
            proxy.close(); // the sockets close: as if the target was killed
            for (CompletableFuture<HostCompletion> read : reads) {
                HostCompletion failed = read.get(10, TimeUnit.SECONDS);
                assertTrue(Status.is(failed.status(), StatusCode.HOST_PATHING_ERROR), Status.describe(failed.status()));
            }
            queue.closeFuture().get(10, TimeUnit.SECONDS);
            assertNotNull(queue.closeReason());
            // the admin queue went too, and with it the controller: every queue is closed
            controller.adminQueue().closeFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
