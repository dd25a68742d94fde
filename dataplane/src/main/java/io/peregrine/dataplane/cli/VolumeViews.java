package io.peregrine.dataplane.cli;

import io.peregrine.dataplane.api.v1.Provisioning;
import io.peregrine.dataplane.api.v1.Volume;
import io.peregrine.dataplane.api.v1.VolumeStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Volumes, snapshots, clones and their statistics, for people. */
public final class VolumeViews {
    private VolumeViews() {}

    /**
     * One row per volume, in the daemon's order.
     *
     * @param known volumes by UUID, to name parents; a parent not among them shows its UUID
     */
    public static String table(List<Volume> volumes, Map<String, Volume> known) {
        Table t = new Table()
                .left("NAME")
                .left("UUID")
                .left("KIND")
                .right("SIZE")
                .right("ALLOCATED")
                .left("PROVISIONING")
                .left("PARENT")
                .left("EXPORTED");
        // sorted by pool, then name: the same volumes always print the same, whatever the daemon's order
        for (Volume v : volumes.stream()
                .sorted(Comparator.comparing(Volume::getPool).thenComparing(Volume::getName))
                .toList()) {
            t.row(
                    VolumeRef.display(v),
                    v.getUuid(),
                    Human.word(v.getKind()),
                    Human.size(v.getSizeBytes()),
                    Human.size(v.getAllocatedBytes()),
                    provisioning(v.getProvisioning()),
                    parent(v, known),
                    Human.yesNo(!v.getSubsystemNqn().isEmpty()));
        }
        return t.render();
    }

    /** Everything about one volume. */
    public static String details(Volume v, Map<String, Volume> known) {
        Details d = new Details()
                .add("Name", VolumeRef.display(v))
                .add("UUID", v.getUuid())
                .add("Kind", Human.word(v.getKind()))
                .add("Size", Human.sizeExact(v.getSizeBytes()))
                .add("Allocated", Human.sizeExact(v.getAllocatedBytes()))
                .add("Provisioning", provisioning(v.getProvisioning()))
                .add("Read-only", Human.yesNo(v.getReadOnly()))
                .add("Parent", parent(v, known))
                .add("Created", Human.instant(v.getCreatedAt()))
                .add(
                        "Exported",
                        v.getSubsystemNqn().isEmpty()
                                ? "no (./peregrine export add " + VolumeRef.display(v) + " --host NQN)"
                                : v.getSubsystemNqn());
        List<String> attributes = new ArrayList<>();
        new TreeMap<>(v.getXattrsMap()).forEach((k, val) -> attributes.add(k + "=" + val));
        d.addAll("Attributes", attributes);
        return d.render();
    }

    /** The counters, with mean latencies worked out. */
    public static String stats(Volume v, VolumeStats s) {
        Table t = new Table().left("").right("OPS").right("BYTES").right("MEAN LATENCY");
        t.row(
                "read",
                count(s.getReadOps()),
                Human.size(s.getReadBytes()),
                mean(s.getReadLatencyNanos(), s.getReadOps()));
        t.row(
                "write",
                count(s.getWriteOps()),
                Human.size(s.getWriteBytes()),
                mean(s.getWriteLatencyNanos(), s.getWriteOps()));
        t.row("flush", count(s.getFlushOps()), "-", "-");
        t.row("unmap", count(s.getUnmapOps()), "-", "-");
        t.row("write zeroes", count(s.getWriteZeroesOps()), "-", "-");
        return "I/O on " + VolumeRef.display(v) + " (" + v.getUuid() + ") since it was loaded; errors: "
                + count(s.getErrors()) + "\n\n" + t.render();
    }

    static String provisioning(Provisioning p) {
        return p == Provisioning.THICK ? "thick" : "thin";
    }

    private static String parent(Volume v, Map<String, Volume> known) {
        if (v.getParentUuid().isEmpty()) {
            return "-";
        }
        Volume p = known.get(v.getParentUuid());
        return p == null ? v.getParentUuid() : VolumeRef.display(p);
    }

    private static String count(long n) {
        return Long.toUnsignedString(n);
    }

    private static String mean(long nanos, long ops) {
        return ops == 0 ? "-" : Human.duration(Long.divideUnsigned(nanos, ops));
    }
}
