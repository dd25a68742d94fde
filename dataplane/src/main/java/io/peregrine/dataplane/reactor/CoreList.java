package io.peregrine.dataplane.reactor;

import java.util.Arrays;
import java.util.TreeSet;

/**
 * The CPUs reactors run on, written the way taskset(1) and SPDK's {@code -m}/{@code --lcores}
 * lists are: {@code "0-3,6"}. One reactor per listed CPU, in ascending order.
 */
public record CoreList(int[] cpus) {
    public CoreList {
        cpus = cpus.clone();
    }

    /** Parses {@code "2"}, {@code "0-3"} or {@code "0-3,6,8-9"}. */
    public static CoreList parse(String spec) {
        String s = spec == null ? "" : spec.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty core list: give CPUs such as \"0-3,6\"");
        }
        TreeSet<Integer> set = new TreeSet<>();
        for (String part : s.split(",")) {
            String p = part.strip();
            try {
                int dash = p.indexOf('-');
                if (dash < 0) {
                    set.add(cpu(Integer.parseInt(p), spec));
                } else {
                    int lo = cpu(Integer.parseInt(p.substring(0, dash).strip()), spec);
                    int hi = cpu(Integer.parseInt(p.substring(dash + 1).strip()), spec);
                    if (hi < lo) {
                        throw new IllegalArgumentException("core list \"" + spec + "\": range " + p
                                + " runs backwards; write it as " + hi + "-" + lo);
                    }
                    for (int c = lo; c <= hi; c++) {
                        set.add(c);
                    }
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "core list \"" + spec + "\": '" + p + "' is not a CPU number or range; example: \"0-3,6\"", e);
            }
        }
        return new CoreList(set.stream().mapToInt(Integer::intValue).toArray());
    }

    private static int cpu(int c, String spec) {
        if (c < 0 || c > 1023) {
            throw new IllegalArgumentException("core list \"" + spec + "\": CPU " + c + " is outside 0..1023");
        }
        return c;
    }

    public int size() {
        return cpus.length;
    }

    public int cpu(int i) {
        return cpus[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CoreList other && Arrays.equals(cpus, other.cpus);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(cpus);
    }

    @Override
    public String toString() {
        return Arrays.toString(cpus);
    }
}
