package io.peregrine.csi.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@link Commands} as child processes. Output is drained on virtual threads so a chatty tool
 * cannot block on a full pipe; a process that overruns its limit is killed with its children
 * (mount helpers fork). The environment is pinned to the C locale so messages parse the same
 * everywhere.
 */
public final class ProcessCommands implements Commands {

    @Override
    public CommandResult run(Duration limit, List<String> argv) {
        long started = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(
                        java.nio.file.Path.of("/dev/null").toFile()));
        Map<String, String> env = builder.environment();
        env.put("LC_ALL", "C");
        env.put("LANG", "C");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new CommandResult(
                    argv,
                    127,
                    "",
                    "cannot run " + argv.getFirst() + ": " + e.getMessage(),
                    false,
                    elapsedSince(started));
        }
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        boolean finished;
        try {
            finished = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", argv), e);
        }
        if (!finished) {
            kill(process);
        }
        return new CommandResult(
                argv, finished ? process.exitValue() : -1, join(out), join(err), !finished, elapsedSince(started));
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            // a process in uninterruptible sleep (D state, e.g. umount on a dead device) cannot
            // die at once; do not wait for it forever -- the caller's limit is what matters
            process.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread.ofVirtual().name("command-output").start(() -> {
            try (stream) {
                result.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                result.complete("");
            } catch (UncheckedIOException e) {
                result.complete("");
            }
        });
        return result;
    }

    private static String join(CompletableFuture<String> output) {
        try {
            return output.get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the stream is held open by a killed child still stuck in the kernel
            return "";
        }
    }

    private static Duration elapsedSince(long started) {
        return Duration.ofNanos(System.nanoTime() - started);
    }
}
