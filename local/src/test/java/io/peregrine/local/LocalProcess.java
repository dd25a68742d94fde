package io.peregrine.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A child JVM running a main of the test classpath, its output collected line by line. */
final class LocalProcess implements AutoCloseable {
    private static final Pattern TARGET = Pattern.compile("NVMe/TCP +127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    private final CompletableFuture<Integer> targetPort = new CompletableFuture<>();
    private final Thread pump;

    private LocalProcess(Process process) {
        this.process = process;
        this.pump = Thread.ofPlatform().daemon().start(this::pump);
    }

    static LocalProcess start(Class<?> main, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED",
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(args);
        return new LocalProcess(
                new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    static LocalProcess local(Path dataDir) throws IOException {
        return start(
                LocalMain.class,
                List.of(
                        "--data-dir",
                        dataDir.toString(),
                        "--size",
                        "256M",
                        "--target.listen",
                        "127.0.0.1:0",
                        "--metrics.listen",
                        "127.0.0.1:0",
                        "--no-csi"));
    }

    private void pump() {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
                Matcher m = TARGET.matcher(line);
                if (m.find()) {
                    targetPort.complete(Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException e) {
            // the process died: its output ends here
        }
        targetPort.completeExceptionally(
                new IllegalStateException("the process ended before it was ready:\n" + output()));
    }

    /** Waits for local mode's banner; its NVMe/TCP port. */
    int awaitReady() throws Exception {
        return targetPort.get(60, TimeUnit.SECONDS);
    }

    String output() {
        return String.join("\n", lines);
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Waits for the exit status. */
    int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("still running after " + seconds + " s:\n" + output());
        }
        pump.join(5000);
        return process.exitValue();
    }

    /** SIGTERM, as Ctrl-C or a container stop; the exit status. */
    int stop() throws InterruptedException {
        process.destroy();
        return waitFor(60);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
