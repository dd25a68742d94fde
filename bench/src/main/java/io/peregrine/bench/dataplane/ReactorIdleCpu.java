package io.peregrine.bench.dataplane;

import io.peregrine.dataplane.reactor.IdlePolicy;
import io.peregrine.dataplane.reactor.Reactor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * What an idle reactor costs: the reactor thread's CPU time over a wall-clock interval, with the
 * park/poll policy and with busy polling (what SPDK-based peers do). Prints one line per policy.
 *
 * <p>Arguments: seconds to measure (default 10).
 */
public final class ReactorIdleCpu {
    private ReactorIdleCpu() {}

    private static final String USAGE = "usage: ./peregrine reactor-idle [SECONDS]\n"
            + "  measures an idle reactor's CPU for SECONDS (default 10) with park/poll and with busy polling\n";

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && (args[0].equals("-h") || args[0].equals("--help"))) {
            System.out.print(USAGE);
            return;
        }
        int seconds = 10;
        try {
            if (args.length > 0) seconds = Integer.parseInt(args[0]);
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 1 || args.length > 1) {
            System.err.print("reactor-idle: SECONDS must be one whole number >= 1\n" + USAGE);
            System.exit(2);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (String name : new String[] {"park/poll (default)", "busy poll"}) {
            IdlePolicy policy = name.startsWith("busy") ? IdlePolicy.BUSY_POLL : IdlePolicy.DEFAULT;
            try (Reactor r = Reactor.start("idle-" + (policy == IdlePolicy.BUSY_POLL ? "busy" : "park"), -1, policy)) {
                Thread.sleep(1000); // let it settle into its idle state
                long tid = r.thread().threadId();
                long cpu0 = mx.getThreadCpuTime(tid);
                long parks0 = r.parks();
                long wall0 = System.nanoTime();
                Thread.sleep(seconds * 1000L);
                long cpu = mx.getThreadCpuTime(tid) - cpu0;
                long wall = System.nanoTime() - wall0;
                long parks = r.parks() - parks0;
                System.out.printf(
                        Locale.ROOT,
                        "idle reactor, %-20s %8.3f%% of a core (%.1f ms CPU in %.1f s; %d parks, busy %d ms, idle %d ms)%n",
                        name + ":",
                        100.0 * cpu / wall,
                        cpu / 1e6,
                        wall / 1e9,
                        parks,
                        r.core().busyNanos() / 1_000_000,
                        r.core().idleNanos() / 1_000_000);
            }
        }
    }
}
