package io.peregrine.dataplane.blob;

import io.peregrine.dataplane.reactor.ReactorCore;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Runs control operations (create, snapshot, delete, ...) one at a time on the metadata thread,
 * in the order they were submitted, so no two of them interleave their steps. I/O and cluster
 * grants do not wait here.
 */
final class ControlQueue {
    private final ReactorCore md;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean running;

    ControlQueue(ReactorCore md) {
        this.md = md;
    }

    /** From any thread: runs {@code op} on the metadata thread when the operations before it are done. */
    <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> op) {
        CompletableFuture<T> result = new CompletableFuture<>();
        md.execute(() -> {
            queue.add(() -> {
                CompletableFuture<T> f;
                try {
                    f = op.get();
                } catch (RuntimeException e) {
                    f = CompletableFuture.failedFuture(e);
                }
                f.whenComplete((v, e) -> {
                    // the queue's state is the metadata thread's: an operation whose future was
                    // completed elsewhere is finished there, not on the completing thread
                    if (md.inCoreThread()) {
                        finish(result, v, e);
                    } else {
                        md.execute(() -> finish(result, v, e));
                    }
                });
            });
            pump();
        });
        return result;
    }

    private <T> void finish(CompletableFuture<T> result, T value, Throwable e) {
        running = false;
        if (e != null) {
            result.completeExceptionally(
                    e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e);
        } else {
            result.complete(value);
        }
        md.execute(this::pump);
    }

    private void pump() {
        if (running || queue.isEmpty()) {
            return;
        }
        running = true;
        queue.poll().run();
    }
}
