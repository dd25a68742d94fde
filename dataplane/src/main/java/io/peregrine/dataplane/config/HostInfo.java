package io.peregrine.dataplane.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** What the daemon reads about the machine it runs on: its name, its NVMe host NQN, its hugepages. */
public final class HostInfo {
    private HostInfo() {}

    /** The kernel's host name, or "localhost" when it cannot be read. */
    public static String hostName() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            return name.isEmpty() ? "localhost" : name;
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** {@code /etc/nvme/hostnqn}, the kernel initiator's identity, when the node has one. */
    public static Optional<String> systemHostNqn() {
        try {
            String nqn = Files.readString(Path.of("/etc/nvme/hostnqn")).strip();
            return nqn.isEmpty() ? Optional.empty() : Optional.of(nqn);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Hugepages as {@code /proc/meminfo} reports them (the default size only). */
    public record HugePages(long pageBytes, long total, long free) {}

    public static HugePages hugePages() {
        long size = 0;
        long total = 0;
        long free = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                String[] f = line.split("\\s+");
                if (f.length < 2) {
                    continue;
                }
                switch (f[0]) {
                    case "HugePages_Total:" -> total = Long.parseLong(f[1]);
                    case "HugePages_Free:" -> free = Long.parseLong(f[1]);
                    case "Hugepagesize:" -> size = Long.parseLong(f[1]) * 1024;
                    default -> {}
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no /proc (not Linux): report none
        }
        return new HugePages(size, total, free);
    }
}
