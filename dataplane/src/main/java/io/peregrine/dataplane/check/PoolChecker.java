package io.peregrine.dataplane.check;

import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.bdev.Sizes;
import io.peregrine.dataplane.blob.BlobInfo;
import io.peregrine.dataplane.blob.BlobStoreException;
import io.peregrine.dataplane.blob.Inspection;
import io.peregrine.dataplane.lvol.LvolStore;
import io.peregrine.dataplane.reactor.ReactorCore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Verifies a pool offline, without writing: the super block copies, the checkpoints, the log,
 * and the rebuilt state (every cluster owned at most once and inside the pool, parents that are
 * snapshots, the high-water mark above every owned cluster, names unique). What a crash leaves
 * behind and recovery handles is reported as a note; anything else is a problem.
 */
public final class PoolChecker {
    private PoolChecker() {}

    /** The outcome; {@link #problems} empty means the pool is consistent. */
    public record Report(String device, Inspection inspection, List<String> notes, List<String> problems) {
        /** 0 when consistent, 1 when problems were found. */
        public int exitCode() {
            return problems.isEmpty() ? 0 : 1;
        }

        /** The report as people read it. */
        public String describe() {
            StringBuilder sb = new StringBuilder();
            if (inspection != null) {
                var s = inspection.sb();
                var st = inspection.stats();
                long cs = s.clusterSize();
                sb.append("pool ")
                        .append(s.name())
                        .append(" (")
                        .append(s.uuid())
                        .append(") on ")
                        .append(device)
                        .append('\n');
                sb.append("  format version 1, created ")
                        .append(Instant.ofEpochMilli(s.createdMillis()))
                        .append(", ")
                        .append(s.clusterCount())
                        .append(" clusters of ")
                        .append(Sizes.format(cs))
                        .append(" (")
                        .append(Sizes.format(s.clusterCount() * cs))
                        .append(")\n");
                sb.append("  checkpoint generation ")
                        .append(inspection.checkpoint().generation())
                        .append(" in slot ")
                        .append(inspection.slot())
                        .append(inspection.checkpoint().clean() ? ", clean" : "")
                        .append("; log: ")
                        .append(inspection.replayedRecords())
                        .append(" records in ")
                        .append(inspection.replayedPages())
                        .append(" pages (")
                        .append(inspection.logEnd())
                        .append(")\n");
                int snaps = 0;
                for (BlobInfo b : inspection.blobs()) {
                    snaps += b.readOnly() ? 1 : 0;
                }
                sb.append("  ")
                        .append(inspection.blobs().size() - snaps)
                        .append(" volumes, ")
                        .append(snaps)
                        .append(" snapshots; ")
                        .append(st.ownedClusters())
                        .append(" clusters owned, ")
                        .append(st.freeClusters())
                        .append(" free; high-water mark ")
                        .append(st.highWaterMark())
                        .append('\n');
            } else {
                sb.append(device).append('\n');
            }
            for (String n : notes) {
                sb.append("  note: ").append(n).append('\n');
            }
            for (String p : problems) {
                sb.append("  PROBLEM: ").append(p).append('\n');
            }
            sb.append(problems.isEmpty() ? "consistent" : problems.size() + " problem(s) found");
            return sb.toString();
        }
    }

    /**
     * Checks the pool on {@code bdev} (open it read-only); may be called from any thread, runs on
     * {@code core} and completes there.
     */
    public static CompletableFuture<Report> check(Bdev bdev, ReactorCore core) {
        return core.call(() -> Inspection.of(bdev, core).handle((insp, e) -> {
            if (e != null) {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                if (cause instanceof BlobStoreException bse) {
                    return new Report(bdev.uri(), null, List.of(), List.of(bse.getMessage()));
                }
                return new Report(bdev.uri(), null, List.of(), List.of("cannot read the pool: " + cause));
            }
            List<String> problems = new ArrayList<>(insp.problems());
            List<String> notes = new ArrayList<>(insp.notes());
            Map<String, UUID> names = new HashMap<>();
            for (BlobInfo b : insp.blobs()) {
                byte[] n = b.xattrs().get(LvolStore.NAME);
                if (n == null) {
                    notes.add("blob " + b.uuid() + " has no name (not created as a volume)");
                    continue;
                }
                String name = new String(n, StandardCharsets.UTF_8);
                UUID other = names.put(name, b.uuid());
                if (other != null) {
                    problems.add("the name " + name + " is used by " + other + " and by " + b.uuid());
                }
            }
            return new Report(bdev.uri(), insp, List.copyOf(notes), List.copyOf(problems));
        }));
    }
}
