package io.peregrine.nvme.tool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Busy CPU time of the whole machine from {@code /proc/stat} (user, nice, system, irq, softirq,
 * steal — not idle or iowait), so an I/O path's cost counts wherever it runs: our polling thread,
 * or the kernel's interrupt and block layers when fio drives the kernel driver.
 */
final class SystemCpu {

    /** USER_HZ: /proc/stat counts in 1/100 s on every Linux architecture we run on. */
    private static final double TICKS_PER_SECOND = 100.0;

    private SystemCpu() {}

    /** Busy seconds since boot, or -1 when /proc/stat cannot be read. */
    static double busySeconds() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (!line.startsWith("cpu ")) continue;
                String[] f = line.trim().split("\\s+");
                long busy = 0;
                // cpu user nice system idle iowait irq softirq steal ...
                int[] busyFields = {1, 2, 3, 6, 7, 8};
                for (int i : busyFields) if (i < f.length) busy += Long.parseLong(f[i]);
                return busy / TICKS_PER_SECOND;
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
