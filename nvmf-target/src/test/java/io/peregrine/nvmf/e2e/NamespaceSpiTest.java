package io.peregrine.nvmf.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import io.peregrine.nvme.spec.Status;
import io.peregrine.nvme.spec.StatusCode;
import io.peregrine.nvmf.core.Nqn;
import io.peregrine.nvmf.core.Port;
import io.peregrine.nvmf.core.Subsystem;
import io.peregrine.nvmf.host.HostCommand;
import io.peregrine.nvmf.host.HostController;
import io.peregrine.nvmf.host.HostOptions;
import io.peregrine.nvmf.host.HostQueue;
import io.peregrine.nvmf.host.NvmeTcpHost;
import io.peregrine.nvmf.namespace.MemoryNamespace;
import io.peregrine.nvmf.namespace.Namespace;
import io.peregrine.nvmf.namespace.NamespaceChannel;
import io.peregrine.nvmf.namespace.NamespaceIo;
import io.peregrine.nvmf.namespace.NamespaceOp;
import io.peregrine.nvmf.target.NvmfTarget;
import io.peregrine.nvmf.testing.LeakCheck;
import io.peregrine.nvmf.testing.SyncIo;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The namespace SPI from the target's side: completions on foreign threads hop back to the event
 * loop, a namespace's status reaches the host unchanged, and channels are opened on their loop and
 * closed once their namespace is gone and idle.
 */
@ExtendWith(LeakCheck.class)
class NamespaceSpiTest {
    private final String hostNqn = Nqn.forHost(UUID.randomUUID());
    private final ExecutorService storage = Executors.newFixedThreadPool(2);
    private NvmfTarget target;
    private Port port;
    private NvmeTcpHost host;

    @BeforeEach
    void start() {
        target = NvmfTarget.builder().threads(1).build();
        port = target.listen(new InetSocketAddress("127.0.0.1", 0));
        host = NvmeTcpHost.create(1);
    }

    @AfterEach
    void stop() {
        host.close();
        target.close();
        storage.shutdownNow();
    }

    private HostController connect(Subsystem subsystem) {
        subsystem.allowHost(hostNqn);
        return host.connect(HostOptions.builder(new InetSocketAddress("127.0.0.1", port.port()), subsystem.nqn())
                .hostNqn(hostNqn)
                .ioQueues(1)
                .queueSize(64)
                .build());
    }

    /** Completes every request later, on a pool thread: the dataplane's polled completions. */
    private final class Deferred implements Namespace {
        final MemoryNamespace memory = new MemoryNamespace(4096, 4096);
        final List<String> openedOn = new CopyOnWriteArrayList<>();
        final AtomicInteger closed = new AtomicInteger();

        @Override
        public int blockSize() {
            return memory.blockSize();
        }

        @Override
        public long blockCount() {
            return memory.blockCount();
        }

        @Override
        public NamespaceChannel openChannel(EventExecutor executor) {
            openedOn.add(Thread.currentThread().getName() + (executor.inEventLoop() ? " (its loop)" : ""));
            NamespaceChannel inner = memory.openChannel(executor);
            return new NamespaceChannel() {
                @Override
                public void submit(NamespaceIo io) {
                    storage.execute(() -> inner.submit(io));
                }

                @Override
                public void close() {
                    closed.incrementAndGet();
                }
            };
        }

        @Override
        public void addListener(Listener listener) {
            memory.addListener(listener);
        }

        @Override
        public void removeListener(Listener listener) {
            memory.removeListener(listener);
        }
    }

    @Test
    void completionsOnOtherThreadsComeBackToTheLoop() throws Exception {
        Deferred ns = new Deferred();
        Subsystem subsystem = target.createSubsystem("nqn.2026-11.io.peregrine:deferred", "DEFERRED", "Peregrine", 1);
        subsystem.addNamespace(1, ns, UUID.randomUUID());
        try (HostController controller = connect(subsystem)) {
            HostQueue queue = controller.ioQueues().getFirst();
            int count = 256;
            ByteBuf[] buffers = new ByteBuf[count];
            Random random = new Random(9);
            CompletableFuture<Integer> writes = new CompletableFuture<>();
            AtomicInteger pending = new AtomicInteger(count);
            AtomicInteger errors = new AtomicInteger();
            queue.eventLoop().execute(() -> {
                for (int i = 0; i < count; i++) {
                    byte[] bytes = new byte[4096];
                    random.nextBytes(bytes);
                    buffers[i] =
                            PooledByteBufAllocator.DEFAULT.directBuffer(4096).writeBytes(bytes);
                }
                for (int i = 0; i < 48; i++) submitWrite(queue, buffers, i, pending, errors, writes);
            });
            assertEquals(0, writes.get(60, TimeUnit.SECONDS));
            ByteBuf in = PooledByteBufAllocator.DEFAULT.directBuffer(4096);
            try {
                for (int i = 0; i < count; i += 17) {
                    assertEquals(0, SyncIo.read(queue, 1, i, 1, in, 4096));
                    byte[] expected = new byte[4096];
                    byte[] actual = new byte[4096];
                    buffers[i].getBytes(0, expected);
                    in.getBytes(0, actual);
                    assertArrayEquals(expected, actual, "block " + i);
                }
            } finally {
                in.release();
                queue.eventLoop()
                        .submit(() -> {
                            for (ByteBuf b : buffers) b.release();
                        })
                        .get();
            }
        }
        assertEquals(1, ns.openedOn.size(), "one channel for the one event loop: " + ns.openedOn);
        assertTrue(ns.openedOn.getFirst().endsWith("(its loop)"), "opened on its loop: " + ns.openedOn);
        subsystem.removeNamespace(1);
        Thread.sleep(200);
        assertEquals(1, ns.closed.get(), "the channel closes once the namespace is gone");
    }

    private void submitWrite(
            HostQueue queue,
            ByteBuf[] buffers,
            int index,
            AtomicInteger pending,
            AtomicInteger errors,
            CompletableFuture<Integer> done) {
        HostCommand command = queue.acquire();
        queue.write(command, 1, index, 1, buffers[index], 0, 4096)
                .callback(
                        c -> {
                            if (c.status() != 0) errors.incrementAndGet();
                            int next = index + 48;
                            if (next < buffers.length) submitWrite(queue, buffers, next, pending, errors, done);
                            if (pending.decrementAndGet() == 0) done.complete(errors.get());
                        },
                        null);
        queue.submit(command);
    }

    /** Fails what it is told to, with the status it is told to. */
    private static final class Failing implements Namespace {
        final MemoryNamespace memory = new MemoryNamespace(512, 1000);

        @Override
        public int blockSize() {
            return 512;
        }

        @Override
        public long blockCount() {
            return 1000;
        }

        @Override
        public NamespaceChannel openChannel(EventExecutor executor) {
            NamespaceChannel inner = memory.openChannel(executor);
            return new NamespaceChannel() {
                @Override
                public void submit(NamespaceIo io) {
                    if (io.op() == NamespaceOp.READ && io.slba() == 13) {
                        io.complete(StatusCode.UNRECOVERED_READ_ERROR.fieldDnr());
                    } else if (io.op() == NamespaceOp.WRITE && io.slba() == 14) {
                        io.complete(StatusCode.NAMESPACE_NOT_READY.field());
                    } else if (io.op() == NamespaceOp.FLUSH) {
                        io.complete(StatusCode.WRITE_FAULT.fieldDnr());
                    } else {
                        inner.submit(io);
                    }
                }

                @Override
                public void close() {}
            };
        }

        @Override
        public void addListener(Listener listener) {}

        @Override
        public void removeListener(Listener listener) {}
    }

    @Test
    void namespaceStatusesReachTheHostUnchanged() {
        Subsystem subsystem = target.createSubsystem("nqn.2026-11.io.peregrine:failing", "FAILING", "Peregrine", 1);
        subsystem.addNamespace(1, new Failing(), UUID.randomUUID());
        try (HostController controller = connect(subsystem)) {
            HostQueue queue = controller.ioQueues().getFirst();
            ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(512).writeZero(512);
            try {
                int read = SyncIo.read(queue, 1, 13, 1, buffer, 512);
                assertTrue(
                        Status.is(read, StatusCode.UNRECOVERED_READ_ERROR) && Status.dnr(read), Status.describe(read));
                int write = SyncIo.write(queue, 1, 14, 1, buffer);
                assertTrue(
                        Status.is(write, StatusCode.NAMESPACE_NOT_READY) && !Status.dnr(write), Status.describe(write));
                int flush = SyncIo.run(queue, (q, c) -> q.flush(c, 1));
                assertEquals(StatusCode.WRITE_FAULT.fieldDnr(), flush, Status.describe(flush));
                assertEquals(0, SyncIo.write(queue, 1, 15, 1, buffer));
                assertFalse(queue.phase() != HostQueue.Phase.LIVE, "errors never end the connection");
            } finally {
                buffer.release();
            }
        }
    }
}
