package io.peregrine.e2e.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The fatal-error logs ({@code hs_err_pid*.log}) a guest JVM wrote into a directory shared with
 * the host, cut to their head: the signal, the problematic frame, the thread and its stack are
 * what makes a crash in a CI log diagnosable, and they all come before the register dump.
 */
final class JvmCrashReport {

    /** The most lines of one log to quote; the head ends earlier, at the register dump. */
    static final int MAX_HEAD_LINES = 80;

    private JvmCrashReport() {}

    /** A fresh host directory for a guest JVM's {@code -XX:ErrorFile}, to be shared with the guest. */
    static Path newDirectory() {
        try {
            return Files.createTempDirectory("peregrine-guest-jvm-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for guest JVM crash logs", e);
        }
    }

    /** The {@code -XX:ErrorFile} option that makes a JVM write its fatal-error log into {@code dir}. */
    static String errorFileOption(Path dir) {
        return "-XX:ErrorFile=" + dir.toAbsolutePath().resolve("hs_err_pid%p.log");
    }

    /**
     * The head of every fatal-error log in {@code dir}, each introduced by its path (the whole log
     * stays there), or "" when the JVM did not crash — then the empty directory is removed.
     */
    static String collect(Path dir) {
        List<Path> logs;
        try (Stream<Path> files = Files.list(dir)) {
            logs = files.filter(f -> f.getFileName().toString().startsWith("hs_err"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return "(cannot list " + dir + " for JVM crash logs: " + e.getMessage() + ")";
        }
        if (logs.isEmpty()) {
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                // an empty directory left in the temporary directory harms nothing
            }
            return "";
        }
        StringBuilder report = new StringBuilder();
        for (Path log : logs) {
            report.append("the guest JVM crashed; head of ").append(log).append(":\n");
            report.append(head(log)).append('\n');
        }
        return report.toString();
    }

    /**
     * The log's lines up to the register dump, at most {@link #MAX_HEAD_LINES}; when a long stack
     * pushes the signal's details ({@code siginfo:}, with the faulting address) past that, their
     * line still ends the head.
     */
    static String head(Path log) {
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            List<String> head =
                    lines.takeWhile(l -> !l.startsWith("Registers:")).toList();
            if (head.size() <= MAX_HEAD_LINES) return String.join("\n", head);
            List<String> cut = new ArrayList<>(head.subList(0, MAX_HEAD_LINES - 1));
            cut.add(head.stream()
                    .filter(l -> l.startsWith("siginfo:"))
                    .findFirst()
                    .orElse("..."));
            return String.join("\n", cut);
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }
}
