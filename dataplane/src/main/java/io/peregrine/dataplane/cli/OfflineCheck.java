package io.peregrine.dataplane.cli;

import io.peregrine.dataplane.api.v1.CheckPoolResponse;
import io.peregrine.dataplane.api.v1.CheckProblem;
import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.bdev.BdevException;
import io.peregrine.dataplane.bdev.BdevSpec;
import io.peregrine.dataplane.bdev.BdevUri;
import io.peregrine.dataplane.bdev.Bdevs;
import io.peregrine.dataplane.bdev.OpenMode;
import io.peregrine.dataplane.bdev.Sizes;
import io.peregrine.dataplane.blob.BlobInfo;
import io.peregrine.dataplane.check.PoolChecker;
import io.peregrine.dataplane.lvol.LvolStore;
import io.peregrine.dataplane.reactor.IdlePolicy;
import io.peregrine.dataplane.reactor.Reactor;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * {@code pool check URI} without a daemon: opens the device read-only, inspects the pool on it
 * with {@link PoolChecker} and prints the report (as the API's {@code CheckPoolResponse} for
 * {@code -o json|yaml}). Exit status 0 consistent, 1 problems, 2 a device that cannot be opened.
 */
final class OfflineCheck {
    private OfflineCheck() {}

    static int run(Invocation inv, String uri) throws UsageException {
        BdevSpec spec;
        try {
            spec = BdevUri.parse(uri);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        if (spec instanceof BdevSpec.Malloc || spec instanceof BdevSpec.Null) {
            throw new UsageException(uri + " is memory that exists only inside the process using it;"
                    + " there is nothing on it to check offline (check the pool by NAME through its daemon)");
        }
        Reactor r = Reactor.onCurrentThread("pool-check", IdlePolicy.DEFAULT);
        PoolChecker.Report report;
        try (Bdev bdev = Bdevs.open(spec, OpenMode.READ_ONLY)) {
            report = r.runUntil(PoolChecker.check(bdev, r.core()));
        } catch (BdevException e) {
            throw new UsageException(e.getMessage(), e);
        }
        boolean verbose = inv.args().has("verbose");
        inv.output().print(response(report), () -> {
            String text = report.describe() + "\n";
            return verbose && report.inspection() != null ? text + blobs(report) : text;
        });
        return report.exitCode();
    }

    /** The report in the API's terms: problems are errors, what recovery repairs is a warning. */
    static CheckPoolResponse response(PoolChecker.Report report) {
        CheckPoolResponse.Builder b =
                CheckPoolResponse.newBuilder().setClean(report.problems().isEmpty());
        for (String note : report.notes()) {
            b.addProblems(CheckProblem.newBuilder()
                    .setSeverity(CheckProblem.Severity.WARNING)
                    .setMessage(note));
        }
        for (String problem : report.problems()) {
            b.addProblems(CheckProblem.newBuilder()
                    .setSeverity(CheckProblem.Severity.ERROR)
                    .setMessage(problem));
        }
        if (report.inspection() != null) {
            b.setClustersTotal(report.inspection().sb().clusterCount());
            b.setClustersUsed(report.inspection().stats().ownedClusters());
        }
        return b.build();
    }

    private static String blobs(PoolChecker.Report report) {
        long cs = report.inspection().sb().clusterSize();
        Map<UUID, String> names = new HashMap<>();
        for (BlobInfo b : report.inspection().blobs()) {
            byte[] n = b.xattrs().get(LvolStore.NAME);
            names.put(b.uuid(), n == null ? b.uuid().toString() : new String(n, StandardCharsets.UTF_8));
        }
        Table t = new Table()
                .left("NAME")
                .left("UUID")
                .left("KIND")
                .right("SIZE")
                .right("OWNS")
                .left("PARENT");
        for (BlobInfo b : report.inspection().blobs()) {
            t.row(
                    names.get(b.uuid()),
                    b.uuid().toString(),
                    b.readOnly() ? "snapshot" : b.thin() ? "thin" : "thick",
                    Sizes.format(b.sizeClusters() * cs),
                    Sizes.format(b.allocatedClusters() * cs),
                    b.parent() == null
                            ? "-"
                            : names.getOrDefault(b.parent(), b.parent().toString()));
        }
        return "\n" + t.render();
    }
}
