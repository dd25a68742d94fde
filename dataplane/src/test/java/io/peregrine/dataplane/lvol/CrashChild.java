package io.peregrine.dataplane.lvol;

import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.bdev.Bdevs;
import io.peregrine.dataplane.reactor.IdlePolicy;
import io.peregrine.dataplane.reactor.Reactor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * The process {@link CrashTest} kills: imports the pool, runs the {@link Workload} until SIGKILL,
 * and appends every event to a log file with one unbuffered write(2) each. A request's event is
 * written before the request is made, an acknowledgement's right after it happened. Once write(2)
 * returns the bytes belong to the kernel's page cache, which SIGKILL does not touch, so no fsync
 * is needed for this test (power loss is {@link PowerFailTest}'s job) and the parent, reading
 * the file after the child is dead, sees exactly what happened up to the kill.
 *
 * <p>Why not a pipe: the JDK's process reaper drains and closes a child's stdout when it exits,
 * racing a reader thread, and events read from it can be lost; a file has no such race.
 *
 * <p>Arguments: device URI, seed, cycle, event log path.
 */
public final class CrashChild {
    private CrashChild() {}

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        long seed = Long.parseLong(args[1]);
        int cycle = Integer.parseInt(args[2]);
        FileOutputStream out = new FileOutputStream(args[3], true);
        Thread.ofPlatform().daemon().start(() -> {
            // an orphan (the parent died) must not run forever
            try {
                Thread.sleep(120_000);
            } catch (InterruptedException e) {
                return;
            }
            Runtime.getRuntime().halt(3);
        });
        Reactor r = Reactor.onCurrentThread("crash-child", IdlePolicy.DEFAULT);
        Bdev bdev = Bdevs.open(uri);
        LvolStore pool = r.runUntil(LvolStore.importPool(bdev, r.core()));
        Workload w = new Workload(pool, r.core(), seed, cycle, line -> {
            try {
                out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        w.adopt(r.runUntil(pool.list()));
        out.write("R\n".getBytes(StandardCharsets.US_ASCII));
        r.core().addPoller(w);
        r.runUntil(new CompletableFuture<Void>());
    }
}
