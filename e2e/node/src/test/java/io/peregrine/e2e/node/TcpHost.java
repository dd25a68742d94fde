package io.peregrine.e2e.node;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peregrine.nvmf.host.HostCommand;
import io.peregrine.nvmf.host.HostController;
import io.peregrine.nvmf.host.HostOptions;
import io.peregrine.nvmf.host.HostQueue;
import io.peregrine.nvmf.host.NvmeTcpHost;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * nvmf-target's Java NVMe/TCP host connected to one subsystem as one host NQN: what a node's
 * kernel initiator does on {@code nvme connect}, without needing a kernel. Blocking I/O on queue 1.
 */
final class TcpHost implements AutoCloseable {
    static final int NSID = 1;

    private final NvmeTcpHost host;
    private final HostController controller;
    private final HostQueue queue;
    private final int blockSize;

    private TcpHost(NvmeTcpHost host, HostController controller) {
        this.host = host;
        this.controller = controller;
        this.queue = controller.ioQueues().getFirst();
        this.blockSize = controller.namespace(NSID).blockSize();
    }

    /** Connects (Fabrics Connect with {@code hostNqn}); throws when the target refuses. */
    static TcpHost connect(InetSocketAddress target, String subsystemNqn, String hostNqn) {
        NvmeTcpHost host = NvmeTcpHost.create(1);
        try {
            return new TcpHost(
                    host,
                    host.connect(HostOptions.builder(target, subsystemNqn)
                            .hostNqn(hostNqn)
                            .ioQueues(1)
                            .timeout(Duration.ofSeconds(10))
                            .build()));
        } catch (RuntimeException e) {
            host.close();
            throw e;
        }
    }

    HostController controller() {
        return controller;
    }

    int blockSize() {
        return blockSize;
    }

    long blocks() {
        return controller.namespace(NSID).blocks();
    }

    int write(long slba, byte[] data) {
        ByteBuf buf = Unpooled.directBuffer(data.length).writeBytes(data);
        try {
            return run((q, c) -> q.write(c, NSID, slba, data.length / blockSize, buf, 0, data.length));
        } finally {
            buf.release();
        }
    }

    byte[] read(long slba, int blocks) {
        int bytes = blocks * blockSize;
        ByteBuf buf = Unpooled.directBuffer(bytes);
        try {
            int status = run((q, c) -> q.read(c, NSID, slba, blocks, buf, 0, bytes));
            if (status != 0) {
                throw new AssertionError("read at " + slba + " failed with status 0x" + Integer.toHexString(status));
            }
            byte[] out = new byte[bytes];
            buf.getBytes(0, out);
            return out;
        } finally {
            buf.release();
        }
    }

    private int run(BiFunction<HostQueue, HostCommand, HostCommand> fill) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        queue.eventLoop().execute(() -> {
            HostCommand command = queue.acquire();
            if (command == null) {
                done.completeExceptionally(new IllegalStateException("no free command slot"));
                return;
            }
            fill.apply(queue, command).callback(c -> done.complete(c.status()), null);
            queue.submit(command);
        });
        try {
            return done.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("I/O did not complete", e);
        }
    }

    @Override
    public void close() {
        try {
            controller.close();
        } finally {
            host.close();
        }
    }
}
