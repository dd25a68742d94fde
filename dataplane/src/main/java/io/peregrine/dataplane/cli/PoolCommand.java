package io.peregrine.dataplane.cli;

import io.peregrine.dataplane.api.v1.CheckPoolRequest;
import io.peregrine.dataplane.api.v1.CheckPoolResponse;
import io.peregrine.dataplane.api.v1.CreatePoolRequest;
import io.peregrine.dataplane.api.v1.DestroyPoolRequest;
import io.peregrine.dataplane.api.v1.ExportPoolRequest;
import io.peregrine.dataplane.api.v1.ImportPoolRequest;
import io.peregrine.dataplane.api.v1.ListPoolsResponse;
import io.peregrine.dataplane.api.v1.ListVolumesRequest;
import io.peregrine.dataplane.api.v1.Pool;
import io.peregrine.dataplane.api.v1.Volume;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./peregrine pool SUBCOMMAND}: the node's pools, through the daemon, and {@code check},
 * which also verifies a pool offline on its device without any daemon.
 */
public final class PoolCommand {
    static final CommandGroup GROUP = new CommandGroup(
            "pool",
            "Pools (logical volume stores, one per device) on the node's dataplane daemon, and their checker.",
            """
            URI names a device as in the node's configuration: file:///var/lib/peregrine/disk.img?size=10G,
            uring:///dev/sdb, pcie://0000:00:05.0, malloc://?size=1G (memory, gone with the daemon).""",
            List.of(
                    Subcommand.named("create", "NAME", "URI")
                            .synopsis("NAME URI [--cluster-size SIZE]")
                            .summary("create a pool on a device")
                            .description("""
                                    Creates an empty pool called NAME on the device URI. Repeating it on the same
                                    device answers with the pool; a device that already holds a pool is refused
                                    (import it, or destroy it first).""")
                            .examples(
                                    "./peregrine pool create tank 'file:///var/lib/peregrine/tank.img?size=20G'",
                                    "./peregrine pool create fast pcie://0000:00:05.0 --cluster-size 1M")
                            .options(Option.value(
                                    "cluster-size",
                                    "SIZE",
                                    "allocation unit, a power of two from 1M to 256M (default 4M)"))
                            .handler(PoolCommand::create),
                    Subcommand.named("import", "URI")
                            .synopsis("URI [--name NAME]")
                            .summary("load the pool a device already holds")
                            .description("""
                                    Loads the pool on the device URI with every volume, snapshot and clone on it
                                    (after a crash, recovering it first). --name refuses a pool of another name.""")
                            .examples("./peregrine pool import uring:///dev/sdb --name tank")
                            .options(Option.value("name", "NAME", "the name the pool must have"))
                            .handler(PoolCommand::importPool),
                    Subcommand.named("export", "NAME")
                            .synopsis("NAME [--force]")
                            .summary("unload a pool cleanly, keeping its data")
                            .description("""
                                    Unloads the pool cleanly; its data stays on the device, to be imported again
                                    here or on another node. Refused while any of its volumes is exported over
                                    NVMe/TCP, unless --force, which disconnects their hosts.""")
                            .examples("./peregrine pool export tank")
                            .options(Option.flag("force", "unpublish its volumes first"))
                            .handler(PoolCommand::exportPool),
                    Subcommand.named("destroy", "NAME")
                            .synopsis("NAME [--force] [--allow-missing]")
                            .summary("destroy a pool and everything on it")
                            .description("""
                                    Destroys the pool: its volumes, snapshots and clones are gone for good.
                                    Refused while it holds any, unless --force.""")
                            .examples("./peregrine pool destroy scratch")
                            .options(
                                    Option.flag("force", "destroy it with its volumes"),
                                    Option.flag("allow-missing", "succeed when there is no such pool"))
                            .handler(PoolCommand::destroy),
                    Subcommand.named("list")
                            .summary("list the node's pools")
                            .description("Lists the node's pools: state, device, capacity, use.")
                            .examples("./peregrine pool list", "./peregrine pool list -o yaml")
                            .handler(PoolCommand::list),
                    Subcommand.named("get", "NAME")
                            .synopsis("NAME")
                            .summary("show one pool")
                            .description("Shows one pool: state (and why, when not online), capacity, cluster size,"
                                    + " counts, format version.")
                            .examples("./peregrine pool get tank")
                            .handler(PoolCommand::get),
                    Subcommand.named("check", "URI|NAME")
                            .synopsis("URI|NAME [--verbose] [--daemon]")
                            .summary("verify a pool: offline by URI, or by NAME through the daemon")
                            .description("""
                                    Verifies a pool's metadata: super blocks, checkpoints, log, checksums,
                                    cluster ownership (no cluster owned twice), snapshot chains, names.
                                    Given a device URI it works offline, reading the device itself without
                                    writing and without any daemon (stop the node first: a device in use is
                                    refused). Given a pool NAME, the daemon checks its imported pool; --daemon
                                    asks the daemon to check a device URI it can reach but has not imported.
                                    --verbose lists every volume.
                                    Exit status: 0 consistent, 1 problems found (each is printed), 2 usage
                                    error or the device could not be opened, 3 no daemon (NAME, --daemon).""")
                            .examples(
                                    "./peregrine pool check file:///var/lib/peregrine/disk.img",
                                    "./peregrine pool check tank --verbose")
                            .options(
                                    Option.flag("verbose", "list every volume, snapshot and clone")
                                            .withAlias("v"),
                                    Option.flag("daemon", "check the device URI through the daemon"))
                            .handler(PoolCommand::check)));

    private PoolCommand() {}

    public static void main(String[] args) {
        System.exit(run(args, Environment.system(), System.out, System.err));
    }

    static int run(String[] args, Environment env, PrintStream out, PrintStream err) {
        return GROUP.run(args, env, out, err);
    }

    private static int create(Invocation inv) throws UsageException {
        CreatePoolRequest.Builder req = CreatePoolRequest.newBuilder()
                .setName(inv.args().positional(0))
                .setDiskUri(inv.args().positional(1));
        if (inv.args().has("cluster-size")) {
            req.setClusterSizeBytes(ArgValues.size("--cluster-size", inv.args().value("cluster-size")));
        }
        Pool p = inv.daemon().createPool(req.build());
        inv.output().print(p, () -> PoolViews.details(p));
        return ExitStatus.OK;
    }

    private static int importPool(Invocation inv) throws UsageException {
        ImportPoolRequest.Builder req =
                ImportPoolRequest.newBuilder().setDiskUri(inv.args().positional(0));
        if (inv.args().has("name")) {
            req.setExpectedName(inv.args().value("name"));
        }
        Pool p = inv.daemon().importPool(req.build());
        inv.output().print(p, () -> PoolViews.details(p));
        return ExitStatus.OK;
    }

    private static int exportPool(Invocation inv) throws UsageException {
        Pool p = inv.daemon().getPool(inv.args().positional(0));
        inv.daemon()
                .exportPool(ExportPoolRequest.newBuilder()
                        .setName(p.getName())
                        .setForce(inv.args().has("force"))
                        .build());
        inv.output()
                .print(
                        p,
                        () -> "exported pool " + p.getName() + "; its data stays on " + p.getDiskUri()
                                + "\nbring it back with: ./peregrine pool import '" + p.getDiskUri() + "'\n");
        return ExitStatus.OK;
    }

    private static int destroy(Invocation inv) throws UsageException {
        String name = inv.args().positional(0);
        Pool p;
        try {
            p = inv.daemon().getPool(name);
        } catch (CommandFailedException e) {
            if (inv.args().has("allow-missing") && e.notFound()) {
                inv.output().print(new JsonValue.Obj(Map.of()), () -> "no pool " + name + "; nothing to destroy\n");
                return ExitStatus.OK;
            }
            throw e;
        }
        inv.daemon()
                .destroyPool(DestroyPoolRequest.newBuilder()
                        .setName(name)
                        .setForce(inv.args().has("force"))
                        .setAllowMissing(inv.args().has("allow-missing"))
                        .build());
        inv.output()
                .print(
                        p,
                        () -> "destroyed pool " + name + " on " + p.getDiskUri() + " ("
                                + Integer.toUnsignedString(p.getVolumeCount()) + " volumes, "
                                + Integer.toUnsignedString(p.getSnapshotCount()) + " snapshots)\n");
        return ExitStatus.OK;
    }

    private static int list(Invocation inv) throws UsageException {
        List<Pool> pools = inv.daemon().listPools();
        inv.output()
                .print(
                        ListPoolsResponse.newBuilder().addAllPools(pools).build(),
                        () -> pools.isEmpty()
                                ? "no pools yet; create one: ./peregrine pool create NAME URI\n"
                                : PoolViews.table(pools));
        return ExitStatus.OK;
    }

    private static int get(Invocation inv) throws UsageException {
        Pool p = inv.daemon().getPool(inv.args().positional(0));
        inv.output().print(p, () -> PoolViews.details(p));
        return ExitStatus.OK;
    }

    private static int check(Invocation inv) throws UsageException {
        String target = inv.args().positional(0);
        boolean uri = target.contains("://");
        if (!uri && inv.args().has("daemon")) {
            throw new UsageException("--daemon checks a device URI; a pool NAME is always checked by the daemon");
        }
        if (uri && !inv.args().has("daemon")) {
            return OfflineCheck.run(inv, target);
        }
        // A pool name never holds a slash: a path is a device the user meant to check offline.
        if (!uri
                && (target.contains("/")
                        || Files.isRegularFile(inv.env().workingDirectory().resolve(target)))) {
            Path file = inv.env().workingDirectory().resolve(target).normalize();
            throw new UsageException("'" + target + "' is " + (Files.isRegularFile(file) ? "a file" : "a path")
                    + " here, and devices are named by URI: check it offline with ./peregrine pool check file://"
                    + file);
        }
        CheckPoolRequest req = uri
                ? CheckPoolRequest.newBuilder().setDiskUri(target).build()
                : CheckPoolRequest.newBuilder().setName(target).build();
        CheckPoolResponse r = inv.daemon().checkPool(req);
        List<Volume> volumes = !uri && inv.args().has("verbose") && inv.output().table()
                ? inv.daemon()
                        .listAllVolumes(
                                ListVolumesRequest.newBuilder().setPool(target).build())
                : List.of();
        inv.output().print(r, () -> {
            String report = PoolViews.check((uri ? "the pool on " : "pool ") + target, r);
            if (volumes.isEmpty()) {
                return report;
            }
            Map<String, Volume> known = new HashMap<>();
            volumes.forEach(v -> known.put(v.getUuid(), v));
            return report + "\n" + VolumeViews.table(volumes, known);
        });
        return r.getClean() ? ExitStatus.OK : ExitStatus.FAILED;
    }
}
