package io.peregrine.dataplane.cli;

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
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code ./peregrine pool SUBCOMMAND ...}: the pool tools. {@code check} works offline, on the
 * device itself; the subcommands that talk to a running node's daemon are added beside it.
 *
 * <p>Exit status: 0 success (a consistent pool), 1 problems found, 2 usage errors or a device that
 * cannot be opened.
 */
public final class PoolCommand {
    static final int OK = 0;
    static final int PROBLEMS = 1;
    static final int USAGE = 2;

    private static final String USAGE_TEXT = """
            usage: ./peregrine pool SUBCOMMAND [OPTION]... [ARG]...

            subcommands:
              check [--verbose] URI   verify the pool on the device URI offline, without writing
                                      to it: super blocks, checkpoints, log, cluster ownership,
                                      snapshot chains, names. --verbose lists every volume.
                                      Stop the node first: a pool in use is refused.
              help                    this text

            URI is the pool's device, as in the node's configuration:
              file:///var/lib/peregrine/disk.img   uring:///dev/sdb   pcie://0000:00:05.0

            exit status: 0 consistent, 1 problems found (each is printed), 2 usage error or
            the device could not be opened
            """;

    private PoolCommand() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.print(USAGE_TEXT);
            return USAGE;
        }
        List<String> rest = List.of(args).subList(1, args.length);
        return switch (args[0]) {
            case "check" -> check(rest, out, err);
            case "help", "-h", "--help" -> {
                out.print(USAGE_TEXT);
                yield OK;
            }
            default -> {
                err.println("pool: unknown subcommand '" + args[0] + "'");
                err.print(USAGE_TEXT);
                yield USAGE;
            }
        };
    }

    private static int check(List<String> args, PrintStream out, PrintStream err) {
        boolean verbose = false;
        List<String> positional = new ArrayList<>();
        for (String a : args) {
            switch (a) {
                case "-v", "--verbose" -> verbose = true;
                case "-h", "--help" -> {
                    out.print(USAGE_TEXT);
                    return OK;
                }
                default -> {
                    if (a.startsWith("-")) {
                        err.println("pool check: unknown option '" + a + "'");
                        return USAGE;
                    }
                    positional.add(a);
                }
            }
        }
        if (positional.size() != 1) {
            err.println("pool check: give exactly one device URI, e.g. ./peregrine pool check "
                    + "file:///var/lib/peregrine/disk.img");
            return USAGE;
        }
        String uri = positional.get(0);
        BdevSpec spec;
        try {
            spec = BdevUri.parse(uri);
        } catch (IllegalArgumentException e) {
            err.println("pool check: " + e.getMessage());
            return USAGE;
        }
        if (spec instanceof BdevSpec.Malloc || spec instanceof BdevSpec.Null) {
            err.println("pool check: " + uri + " is memory that exists only inside the process using it;"
                    + " there is nothing on it to check offline");
            return USAGE;
        }
        Reactor r = Reactor.onCurrentThread("pool-check", IdlePolicy.DEFAULT);
        try (Bdev bdev = Bdevs.open(spec, OpenMode.READ_ONLY)) {
            PoolChecker.Report report = r.runUntil(PoolChecker.check(bdev, r.core()));
            out.println(report.describe());
            if (verbose && report.inspection() != null) {
                listBlobs(report, out);
            }
            return report.exitCode();
        } catch (BdevException e) {
            err.println("pool check: " + e.getMessage());
            return USAGE;
        }
    }

    private static void listBlobs(PoolChecker.Report report, PrintStream out) {
        long cs = report.inspection().sb().clusterSize();
        Map<java.util.UUID, String> names = new java.util.HashMap<>();
        for (BlobInfo b : report.inspection().blobs()) {
            byte[] n = b.xattrs().get(LvolStore.NAME);
            names.put(b.uuid(), n == null ? b.uuid().toString() : new String(n, StandardCharsets.UTF_8));
        }
        out.printf("%n%-24s %-36s %-9s %10s %10s  %s%n", "NAME", "UUID", "KIND", "SIZE", "OWNS", "PARENT");
        for (BlobInfo b : report.inspection().blobs()) {
            String kind = b.readOnly() ? "snapshot" : b.thin() ? "thin" : "thick";
            out.printf(
                    "%-24s %-36s %-9s %10s %10s  %s%n",
                    names.get(b.uuid()),
                    b.uuid(),
                    kind,
                    Sizes.format(b.sizeClusters() * cs),
                    Sizes.format(b.allocatedClusters() * cs),
                    b.parent() == null
                            ? "-"
                            : names.getOrDefault(b.parent(), b.parent().toString()));
        }
    }
}
