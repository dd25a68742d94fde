package io.peregrine.dataplane.reactor;

import io.peregrine.dataplane.sys.Errno;
import io.peregrine.dataplane.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Pins the calling platform thread to one CPU with sched_setaffinity(2); Java has no API for it.
 * Best effort: containers and cgroups may forbid a CPU, in which case the reactor runs where the
 * scheduler puts it and the log says so once.
 */
public final class CpuAffinity {
    private static final System.Logger LOG = System.getLogger(CpuAffinity.class.getName());

    /** glibc's cpu_set_t holds 1024 CPUs. */
    private static final int MASK_BYTES = 128;

    private CpuAffinity() {}

    /** Pins the calling thread to {@code cpu}; returns whether the kernel accepted it. */
    public static boolean pinCurrentThread(int cpu, String who) {
        if (cpu < 0 || cpu >= MASK_BYTES * 8) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    who + ": CPU " + cpu + " is out of range 0.." + (MASK_BYTES * 8 - 1) + "; running unpinned");
            return false;
        }
        try (Arena arena = Arena.ofConfined()) {
            Libc libc = new Libc(arena);
            MemorySegment mask = arena.allocate(MASK_BYTES, 8);
            long word = mask.getAtIndex(ValueLayout.JAVA_LONG, cpu / 64);
            mask.setAtIndex(ValueLayout.JAVA_LONG, cpu / 64, word | (1L << (cpu % 64)));
            int r = libc.schedSetaffinity(mask);
            if (r < 0) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        who + ": could not pin to CPU " + cpu + ": " + Errno.name(-r) + " (" + Libc.strerror(-r)
                                + "); running unpinned");
                return false;
            }
            LOG.log(System.Logger.Level.INFO, who + ": pinned to CPU " + cpu);
            return true;
        }
    }

    /** The CPUs the calling thread may run on, as the kernel reports them. */
    public static int[] allowedCpus() {
        try (Arena arena = Arena.ofConfined()) {
            Libc libc = new Libc(arena);
            MemorySegment mask = arena.allocate(MASK_BYTES, 8);
            int r = libc.schedGetaffinity(mask);
            if (r < 0) {
                return new int[0];
            }
            int n = 0;
            int[] cpus = new int[MASK_BYTES * 8];
            for (int cpu = 0; cpu < MASK_BYTES * 8; cpu++) {
                if ((mask.getAtIndex(ValueLayout.JAVA_LONG, cpu / 64) & (1L << (cpu % 64))) != 0) {
                    cpus[n++] = cpu;
                }
            }
            return java.util.Arrays.copyOf(cpus, n);
        }
    }
}
