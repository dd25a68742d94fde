package io.peregrine.nvmf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.peregrine.nvmf.core.Nqn;
import io.peregrine.nvmf.core.Port;
import io.peregrine.nvmf.host.HostCommand;
import io.peregrine.nvmf.host.HostController;
import io.peregrine.nvmf.host.HostOptions;
import io.peregrine.nvmf.host.HostQueue;
import io.peregrine.nvmf.host.NvmeTcpHost;
import io.peregrine.nvmf.namespace.MemoryNamespace;
import io.peregrine.nvmf.target.NvmfTarget;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No allocation per I/O in steady state, on either side: the target's and the host's event loop
 * threads are measured with {@link ThreadMXBean#getThreadAllocatedBytes} over many thousand I/Os
 * of every shape (4 KiB reads ending in SUCCESS, 4 KiB writes in the capsule, 32 KiB writes through
 * R2T/H2CData) against a RAM namespace, with and without digests.
 */
class ZeroAllocationTest {
    private static final int DEPTH = 32;
    private static final int WARMUP = 60_000;
    private static final int MEASURED = 100_000;
    /** Amortized leftovers (a timer, a chunk of Netty's task queue) stay far below one byte per I/O. */
    private static final double LIMIT_BYTES_PER_IO = 0.5;

    private final UUID volume = UUID.randomUUID();
    private final String host = Nqn.forHost(UUID.randomUUID());
    private ResourceLeakDetector.Level leakLevel;
    private NvmfTarget target;
    private Port port;
    private NvmeTcpHost hostSide;

    @BeforeEach
    void start() {
        // the paranoid leak detector of the other tests allocates a record per buffer
        leakLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        target = NvmfTarget.builder().threads(1).build();
        port = target.listen(new InetSocketAddress("127.0.0.1", 0));
        target.exportVolume(volume, new MemoryNamespace(4096, 16384)).allowHost(host);
        hostSide = NvmeTcpHost.create(1);
    }

    @AfterEach
    void stop() {
        hostSide.close();
        target.close();
        ResourceLeakDetector.setLevel(leakLevel);
    }

    @ParameterizedTest(name = "digests {0}")
    @ValueSource(booleans = {false, true})
    void steadyStateIoAllocatesNothingOnEitherEventLoop(boolean digests) throws Exception {
        try (HostController controller = hostSide.connect(
                HostOptions.builder(new InetSocketAddress("127.0.0.1", port.port()), Nqn.forVolume(volume))
                        .hostNqn(host)
                        .ioQueues(1)
                        .queueSize(DEPTH + 1)
                        .digests(digests, digests)
                        .build())) {
            HostQueue queue = controller.ioQueues().getFirst();
            Driver driver = new Driver(queue);
            assertEquals(0, driver.run(WARMUP), "errors while warming up");

            ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            long targetThread = target.eventLoopGroup()
                    .next()
                    .submit(() -> Thread.currentThread().threadId())
                    .get();
            long hostThread = queue.eventLoop()
                    .submit(() -> Thread.currentThread().threadId())
                    .get();
            long target0 = threads.getThreadAllocatedBytes(targetThread);
            long host0 = threads.getThreadAllocatedBytes(hostThread);
            assertEquals(0, driver.run(MEASURED), "errors while measuring");
            long targetBytes = threads.getThreadAllocatedBytes(targetThread) - target0;
            long hostBytes = threads.getThreadAllocatedBytes(hostThread) - host0;
            driver.release();
            assertEquals(0, target.buffers().outstanding(), "data buffers still out after the I/O");

            double targetPerIo = (double) targetBytes / MEASURED;
            double hostPerIo = (double) hostBytes / MEASURED;
            System.out.printf(
                    "digests %s: target event loop %d bytes over %d I/Os (%.3f/I/O), host event loop %d bytes (%.3f/I/O)%n",
                    digests, targetBytes, MEASURED, targetPerIo, hostBytes, hostPerIo);
            assertTrue(targetPerIo < LIMIT_BYTES_PER_IO, "target allocates " + targetPerIo + " bytes per I/O");
            assertTrue(hostPerIo < LIMIT_BYTES_PER_IO, "host allocates " + hostPerIo + " bytes per I/O");
        }
    }

    /** Keeps {@link #DEPTH} I/Os in flight from the host's event loop, cycling through the shapes. */
    private static final class Driver implements HostCommand.Callback {
        private final HostQueue queue;
        private final ByteBuf[] buffers = new ByteBuf[DEPTH];
        private CompletableFuture<Integer> done;
        private int remaining;
        private int inFlight;
        private int errors;
        private long sequence;

        Driver(HostQueue queue) {
            this.queue = queue;
            for (int i = 0; i < DEPTH; i++) {
                buffers[i] = PooledByteBufAllocator.DEFAULT.directBuffer(32768, 32768);
                buffers[i].writeZero(32768);
            }
        }

        int run(int ios) throws Exception {
            done = new CompletableFuture<>();
            queue.eventLoop().execute(() -> {
                remaining = ios;
                errors = 0;
                for (int i = 0; i < DEPTH; i++) submit(i);
            });
            return done.get(2, TimeUnit.MINUTES);
        }

        private void submit(int slot) {
            remaining--;
            inFlight++;
            HostCommand command = queue.acquire();
            long n = sequence++;
            long lba = (n * 8) % 16000;
            switch ((int) (n % 3)) {
                case 0 -> queue.read(command, 1, lba, 1, null, 0, 4096);
                case 1 -> queue.write(command, 1, lba, 1, buffers[slot], 0, 4096);
                default -> queue.write(command, 1, lba, 8, buffers[slot], 0, 32768);
            }
            command.callback(this, buffers[slot]);
            queue.submit(command);
        }

        @Override
        public void completed(HostCommand command) {
            inFlight--;
            if (command.status() != 0) errors++;
            int slot = indexOf((ByteBuf) command.attachment());
            if (remaining > 0) {
                submit(slot);
            } else if (inFlight == 0) {
                done.complete(errors);
            }
        }

        private int indexOf(ByteBuf buffer) {
            for (int i = 0; i < DEPTH; i++) if (buffers[i] == buffer) return i;
            throw new IllegalStateException("unknown buffer");
        }

        void release() throws Exception {
            queue.eventLoop()
                    .submit(() -> {
                        for (ByteBuf buffer : buffers) buffer.release();
                    })
                    .get();
        }
    }
}
