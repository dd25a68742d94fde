package io.peregrine.nvmf.testing;

import io.netty.buffer.ByteBuf;
import io.peregrine.nvmf.host.HostCommand;
import io.peregrine.nvmf.host.HostQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/** Blocking I/O on a {@link HostQueue} for tests: runs the submission on the queue's loop and waits. */
public final class SyncIo {
    private SyncIo() {}

    /** Prepares a command with {@code fill} on the queue's loop, submits it, returns its status. */
    public static int run(HostQueue queue, BiFunction<HostQueue, HostCommand, HostCommand> fill) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        queue.eventLoop().execute(() -> {
            HostCommand command = queue.acquire();
            if (command == null) {
                done.completeExceptionally(new IllegalStateException("queue " + queue + " has no free slot"));
                return;
            }
            fill.apply(queue, command).callback(c -> done.complete(c.status()), null);
            queue.submit(command);
        });
        try {
            return done.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("I/O on " + queue + " did not complete", e);
        }
    }

    public static int write(HostQueue queue, int nsid, long slba, int blocks, ByteBuf data) {
        return run(queue, (q, c) -> q.write(c, nsid, slba, blocks, data, data.readerIndex(), data.readableBytes()));
    }

    public static int read(HostQueue queue, int nsid, long slba, int blocks, ByteBuf into, int bytes) {
        return run(queue, (q, c) -> q.read(c, nsid, slba, blocks, into, 0, bytes));
    }
}
