package io.peregrine.dataplane.cli;

import io.peregrine.dataplane.api.v1.CheckPoolResponse;
import io.peregrine.dataplane.api.v1.CheckProblem;
import io.peregrine.dataplane.api.v1.Pool;
import java.util.Comparator;
import java.util.List;

/** Pools and pool checks, for people. */
public final class PoolViews {
    private PoolViews() {}

    public static String table(List<Pool> pools) {
        Table t = new Table()
                .left("NAME")
                .left("STATE")
                .left("DISK")
                .right("CAPACITY")
                .right("USED")
                .right("FREE")
                .right("USE%")
                .right("CLUSTER")
                .right("VOLUMES")
                .right("SNAPSHOTS");
        // sorted here, not trusted to the daemon's order: the same pools always print the same
        for (Pool p : pools.stream().sorted(Comparator.comparing(Pool::getName)).toList()) {
            t.row(
                    p.getName(),
                    Human.word(p.getState()),
                    p.getDiskUri(),
                    Human.size(p.getCapacityBytes()),
                    Human.size(p.getUsedBytes()),
                    Human.size(p.getFreeBytes()),
                    Human.percent(p.getUsedBytes(), p.getCapacityBytes()),
                    Human.size(p.getClusterSizeBytes()),
                    Integer.toUnsignedString(p.getVolumeCount()),
                    Integer.toUnsignedString(p.getSnapshotCount()));
        }
        return t.render();
    }

    public static String details(Pool p) {
        Details d = new Details()
                .add("Name", p.getName())
                .add("UUID", p.getUuid())
                .add("Disk", p.getDiskUri())
                .add("State", Human.word(p.getState()) + (p.getMessage().isEmpty() ? "" : ": " + p.getMessage()))
                .add("Capacity", Human.sizeExact(p.getCapacityBytes()))
                .add(
                        "Used",
                        Human.sizeExact(p.getUsedBytes()) + ", "
                                + Human.percent(p.getUsedBytes(), p.getCapacityBytes()))
                .add("Free", Human.sizeExact(p.getFreeBytes()))
                .add("Cluster size", Human.sizeExact(p.getClusterSizeBytes()))
                .add("Volumes", Integer.toUnsignedString(p.getVolumeCount()))
                .add("Snapshots", Integer.toUnsignedString(p.getSnapshotCount()))
                .add("Format version", Integer.toUnsignedString(p.getFormatVersion()));
        return d.render();
    }

    /** A check's outcome, ending in "consistent" or the number of problems, as the offline check does. */
    public static String check(String what, CheckPoolResponse r) {
        StringBuilder sb = new StringBuilder(what).append('\n');
        sb.append("  ")
                .append(Long.toUnsignedString(r.getClustersTotal()))
                .append(" clusters, ")
                .append(Long.toUnsignedString(r.getClustersUsed()))
                .append(" used, ")
                .append(Long.toUnsignedString(r.getClustersLeaked()))
                .append(" leaked\n");
        int errors = 0;
        for (CheckProblem p : r.getProblemsList()) {
            boolean error = p.getSeverity() != CheckProblem.Severity.WARNING;
            errors += error ? 1 : 0;
            sb.append(error ? "  PROBLEM: " : "  note: ").append(p.getMessage()).append('\n');
        }
        sb.append(r.getClean() ? "consistent" : Math.max(errors, 1) + " problem(s) found")
                .append('\n');
        return sb.toString();
    }
}
