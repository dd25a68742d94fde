package io.peregrine.dataplane.daemon;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.peregrine.nvmf.host.HostCommand;
import io.peregrine.nvmf.host.HostController;
import io.peregrine.nvmf.host.HostOptions;
import io.peregrine.nvmf.host.HostQueue;
import io.peregrine.nvmf.host.NvmeTcpHost;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/** The Java NVMe/TCP host connected to one of a test daemon's exports, with blocking I/O on queue 1. */
final class HostIo implements AutoCloseable {
    static final int NSID = 1;

    private final NvmeTcpHost host = NvmeTcpHost.create(1);
    private final HostController controller;
    private final HostQueue queue;
    private final int blockSize;

    HostIo(InetSocketAddress target, String subsystemNqn, String hostNqn) {
        try {
            controller = host.connect(HostOptions.builder(target, subsystemNqn)
                    .hostNqn(hostNqn)
                    .ioQueues(1)
                    .build());
        } catch (RuntimeException e) {
            host.close();
            throw e;
        }
        queue = controller.ioQueues().getFirst();
        blockSize = controller.namespace(NSID).blockSize();
    }

    int blockSize() {
        return blockSize;
    }

    HostController controller() {
        return controller;
    }

    /** Runs one command on the queue's loop and waits for its status. */
    int run(BiFunction<HostQueue, HostCommand, HostCommand> fill) {
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

    /** Writes {@code data} at {@code slba}; the NVMe status. */
    int write(long slba, byte[] data) {
        ByteBuf buf = Unpooled.directBuffer(data.length).writeBytes(data);
        try {
            return run((q, c) -> q.write(c, NSID, slba, data.length / blockSize, buf, 0, data.length));
        } finally {
            buf.release();
        }
    }

    /**
     * Reads {@code blocks} blocks at {@code slba}, in commands of at most 128 KiB (under any
     * controller's MDTS); throws on a non-zero status.
     */
    byte[] read(long slba, int blocks) {
        byte[] out = new byte[blocks * blockSize];
        int step = Math.max(1, (128 * 1024) / blockSize);
        for (int done = 0; done < blocks; done += step) {
            int n = Math.min(step, blocks - done);
            int bytes = n * blockSize;
            long lba = slba + done;
            ByteBuf buf = Unpooled.directBuffer(bytes);
            try {
                int status = run((q, c) -> q.read(c, NSID, lba, n, buf, 0, bytes));
                if (status != 0) {
                    throw new AssertionError("read at " + lba + " failed with status 0x" + Integer.toHexString(status));
                }
                buf.getBytes(0, out, done * blockSize, bytes);
            } finally {
                buf.release();
            }
        }
        return out;
    }

    int flush() {
        return run((q, c) -> q.flush(c, NSID));
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
