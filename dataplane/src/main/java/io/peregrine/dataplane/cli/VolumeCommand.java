package io.peregrine.dataplane.cli;

import io.peregrine.dataplane.api.v1.CreateCloneRequest;
import io.peregrine.dataplane.api.v1.CreateSnapshotRequest;
import io.peregrine.dataplane.api.v1.CreateVolumeRequest;
import io.peregrine.dataplane.api.v1.DeleteVolumeRequest;
import io.peregrine.dataplane.api.v1.GetVolumeRequest;
import io.peregrine.dataplane.api.v1.GrowVolumeRequest;
import io.peregrine.dataplane.api.v1.ListVolumesRequest;
import io.peregrine.dataplane.api.v1.ListVolumesResponse;
import io.peregrine.dataplane.api.v1.Provisioning;
import io.peregrine.dataplane.api.v1.Volume;
import io.peregrine.dataplane.api.v1.VolumeStats;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./peregrine volume SUBCOMMAND}: logical volumes, snapshots and clones on the node's
 * pools, through the daemon's management API.
 */
public final class VolumeCommand {
    private static final Option SIZE = Option.value("size", "SIZE", "the size: 512M, 10G, 1T or bytes (1K = 1024)");
    private static final Option XATTR = Option.value("xattr", "KEY=VALUE", "an attribute stored with the volume")
            .many();
    private static final String VOL_NOTE = """
            VOL is POOL/NAME (tank/pvc-1), the volume's UUID, or just NAME when one pool has it.
            Sizes are 512M, 10G, 1T or plain bytes; units are binary (1G = 1024M).""";

    static final CommandGroup GROUP = new CommandGroup(
            "volume",
            "Logical volumes, snapshots and clones on the node's pools, through its dataplane daemon.",
            VOL_NOTE,
            List.of(
                    Subcommand.named("create", "POOL/NAME")
                            .synopsis("POOL/NAME --size SIZE [--thick] [--xattr KEY=VALUE]...")
                            .summary("create a volume (thin unless --thick)")
                            .description("""
                                    Creates a volume in POOL. It is thin: clusters are allocated when first
                                    written, so it takes no space until used. --thick allocates (and zeroes)
                                    every cluster now, so writes can never fail for lack of space; that takes
                                    time on a large volume. Repeating the same command is harmless: it answers
                                    with the existing volume.""")
                            .examples(
                                    "./peregrine volume create tank/pvc-1 --size 10G",
                                    "./peregrine volume create tank/db --size 1T --thick --xattr team=payments")
                            .options(SIZE, Option.flag("thick", "allocate every cluster now"), XATTR)
                            .handler(VolumeCommand::create),
                    Subcommand.named("list")
                            .summary("list volumes, snapshots and clones")
                            .description("""
                                    Lists the volumes, snapshots and clones of every pool, or of one, following
                                    the daemon's pages to the end.""")
                            .examples(
                                    "./peregrine volume list",
                                    "./peregrine volume list --pool tank --kind snapshot -o json")
                            .options(
                                    Option.value("pool", "POOL", "only this pool's"),
                                    Option.value("kind", "KIND", "only volume, snapshot or clone")
                                            .many(),
                                    Option.value("page-size", "N", "volumes per call (default: the daemon's, 100)"))
                            .handler(VolumeCommand::list),
                    Subcommand.named("get", "VOL")
                            .synopsis("VOL")
                            .summary("show one volume")
                            .description("Shows a volume, snapshot or clone: size, space it owns, parent, export,"
                                    + " attributes.")
                            .examples("./peregrine volume get tank/pvc-1")
                            .handler(VolumeCommand::get),
                    Subcommand.named("delete", "VOL")
                            .synopsis("VOL [--allow-missing]")
                            .summary("delete a volume, snapshot or clone")
                            .description("""
                                    Deletes a volume, snapshot or clone and frees the space it owns. The daemon
                                    refuses while it is exported (./peregrine export remove VOL first), and for a
                                    snapshot that clones still read from (decouple them first).""")
                            .examples("./peregrine volume delete tank/pvc-1")
                            .options(Option.flag("allow-missing", "succeed when there is no such volume"))
                            .handler(VolumeCommand::delete),
                    Subcommand.named("grow", "VOL")
                            .synopsis("VOL --size SIZE")
                            .summary("grow a volume to a new size, online")
                            .description("""
                                    Grows a volume to SIZE while it is in use; connected hosts are told the
                                    namespace changed. Volumes never shrink: a smaller SIZE is refused, the same
                                    size changes nothing.""")
                            .examples("./peregrine volume grow tank/pvc-1 --size 20G")
                            .options(SIZE)
                            .handler(VolumeCommand::grow),
                    Subcommand.named("snapshot", "VOL", "SNAPNAME")
                            .synopsis("VOL SNAPNAME [--xattr KEY=VALUE]...")
                            .summary("take an instant, read-only snapshot")
                            .description("""
                                    Takes a snapshot of VOL named SNAPNAME in the same pool: instant and
                                    read-only, holding every write that completed before it. Clone it to get a
                                    writable copy.""")
                            .examples("./peregrine volume snapshot tank/pvc-1 pvc-1-monday")
                            .options(XATTR)
                            .handler(VolumeCommand::snapshot),
                    Subcommand.named("clone", "SNAP", "NAME")
                            .synopsis("SNAP NAME [--size SIZE] [--xattr KEY=VALUE]...")
                            .summary("create a writable clone of a snapshot")
                            .description("""
                                    Creates NAME, a writable copy-on-write clone of the snapshot SNAP, in the
                                    snapshot's pool. It shares the snapshot's clusters until written. --size
                                    makes it larger than the snapshot.""")
                            .examples("./peregrine volume clone tank/pvc-1-monday pvc-2")
                            .options(SIZE, XATTR)
                            .handler(VolumeCommand::cloneSnapshot),
                    Subcommand.named("decouple", "VOL")
                            .synopsis("VOL")
                            .summary("copy what a clone shares, so its snapshot can go")
                            .description("""
                                    Copies every cluster the clone VOL still reads from its snapshot, so that it
                                    stands alone and the snapshot can be deleted. Takes as long as copying that
                                    data; the clone stays usable meanwhile.""")
                            .examples("./peregrine volume decouple tank/pvc-2")
                            .handler(VolumeCommand::decouple),
                    Subcommand.named("stats", "VOL")
                            .synopsis("VOL")
                            .summary("I/O counters and mean latencies")
                            .description("Shows a volume's I/O since it was loaded: operations, bytes, mean"
                                    + " latencies, errors.")
                            .examples("./peregrine volume stats tank/pvc-1 -o json")
                            .handler(VolumeCommand::stats)));

    private VolumeCommand() {}

    public static void main(String[] args) {
        System.exit(run(args, Environment.system(), System.out, System.err));
    }

    static int run(String[] args, Environment env, PrintStream out, PrintStream err) {
        return GROUP.run(args, env, out, err);
    }

    private static int create(Invocation inv) throws UsageException {
        VolumeRef.ByPoolAndName target = newName(inv.args().positional(0), null);
        if (!inv.args().has("size")) {
            throw new UsageException("--size is required, e.g. ./peregrine volume create "
                    + inv.args().positional(0) + " --size 10G");
        }
        long size = ArgValues.size("--size", inv.args().value("size"));
        boolean thick = inv.args().has("thick");
        Volume v = inv.daemon()
                .createVolume(
                        CreateVolumeRequest.newBuilder()
                                .setPool(target.pool())
                                .setName(target.name())
                                .setSizeBytes(size)
                                .setProvisioning(thick ? Provisioning.THICK : Provisioning.THIN)
                                .putAllXattrs(xattrs(inv))
                                .build(),
                        thick);
        inv.output().print(v, () -> VolumeViews.details(v, Map.of()));
        return ExitStatus.OK;
    }

    private static int list(Invocation inv) throws UsageException {
        ListVolumesRequest.Builder filter = ListVolumesRequest.newBuilder();
        if (inv.args().has("pool")) {
            filter.setPool(inv.args().value("pool"));
        }
        for (String k : inv.args().values("kind")) {
            filter.addKinds(
                    switch (k.toLowerCase(Locale.ROOT)) {
                        case "volume", "volumes" -> Volume.Kind.VOLUME;
                        case "snapshot", "snapshots" -> Volume.Kind.SNAPSHOT;
                        case "clone", "clones" -> Volume.Kind.CLONE;
                        default -> throw new UsageException("--kind '" + k + "': use volume, snapshot or clone");
                    });
        }
        if (inv.args().has("page-size")) {
            filter.setPageSize(ArgValues.positiveInt("--page-size", inv.args().value("page-size")));
        }
        DaemonClient daemon = inv.daemon();
        List<Volume> volumes = daemon.listAllVolumes(filter.build());
        inv.output()
                .print(ListVolumesResponse.newBuilder().addAllVolumes(volumes).build(), () -> {
                    if (volumes.isEmpty()) {
                        return inv.args().has("pool") || inv.args().has("kind")
                                ? "no volumes match\n"
                                : "no volumes yet; create one: ./peregrine volume create POOL/NAME --size 10G\n";
                    }
                    Map<String, Volume> known = new HashMap<>();
                    volumes.forEach(v -> known.put(v.getUuid(), v));
                    // A filtered list (--kind snapshot) leaves parents out; name them anyway.
                    for (Volume v : volumes) {
                        if (!v.getParentUuid().isEmpty() && !known.containsKey(v.getParentUuid())) {
                            known.putAll(parentOf(daemon, v));
                        }
                    }
                    return VolumeViews.table(volumes, known);
                });
        return ExitStatus.OK;
    }

    private static int get(Invocation inv) throws UsageException {
        DaemonClient daemon = inv.daemon();
        Volume v = VolumeRef.resolve(daemon, "VOL", inv.args().positional(0));
        inv.output().print(v, () -> VolumeViews.details(v, parentOf(daemon, v)));
        return ExitStatus.OK;
    }

    private static int delete(Invocation inv) throws UsageException {
        String ref = inv.args().positional(0);
        Volume v;
        try {
            v = VolumeRef.resolve(inv.daemon(), "VOL", ref);
        } catch (CommandFailedException e) {
            if (inv.args().has("allow-missing") && e.notFound()) {
                inv.output().print(new JsonValue.Obj(Map.of()), () -> "no volume " + ref + "; nothing to delete\n");
                return ExitStatus.OK;
            }
            throw e;
        }
        inv.daemon()
                .deleteVolume(DeleteVolumeRequest.newBuilder()
                        .setUuid(v.getUuid())
                        .setAllowMissing(inv.args().has("allow-missing"))
                        .build());
        inv.output()
                .print(
                        v,
                        () -> "deleted " + Human.word(v.getKind()) + " " + VolumeRef.display(v) + " (" + v.getUuid()
                                + ")\n");
        return ExitStatus.OK;
    }

    private static int grow(Invocation inv) throws UsageException {
        if (!inv.args().has("size")) {
            throw new UsageException("--size is required: the new size, e.g. --size 20G");
        }
        long size = ArgValues.size("--size", inv.args().value("size"));
        DaemonClient daemon = inv.daemon();
        Volume v = VolumeRef.resolve(daemon, "VOL", inv.args().positional(0));
        Volume grown = daemon.growVolume(GrowVolumeRequest.newBuilder()
                .setUuid(v.getUuid())
                .setSizeBytes(size)
                .build());
        inv.output().print(grown, () -> VolumeViews.details(grown, parentOf(daemon, grown)));
        return ExitStatus.OK;
    }

    private static int snapshot(Invocation inv) throws UsageException {
        Map<String, String> xattrs = xattrs(inv);
        Volume source = VolumeRef.resolve(inv.daemon(), "VOL", inv.args().positional(0));
        VolumeRef.ByPoolAndName name = newName(inv.args().positional(1), source.getPool());
        Volume snap = inv.daemon()
                .createSnapshot(CreateSnapshotRequest.newBuilder()
                        .setSourceUuid(source.getUuid())
                        .setName(name.name())
                        .putAllXattrs(xattrs)
                        .build());
        inv.output().print(snap, () -> VolumeViews.details(snap, Map.of(source.getUuid(), source)));
        return ExitStatus.OK;
    }

    private static int cloneSnapshot(Invocation inv) throws UsageException {
        Map<String, String> xattrs = xattrs(inv);
        long size = inv.args().has("size") ? ArgValues.size("--size", inv.args().value("size")) : 0;
        Volume snap = VolumeRef.resolve(inv.daemon(), "SNAP", inv.args().positional(0));
        if (snap.getKind() != Volume.Kind.SNAPSHOT) {
            throw new UsageException(VolumeRef.display(snap) + " is a " + Human.word(snap.getKind())
                    + ", not a snapshot; clones are made from snapshots: ./peregrine volume snapshot "
                    + VolumeRef.display(snap) + " SNAPNAME, then clone that");
        }
        VolumeRef.ByPoolAndName name = newName(inv.args().positional(1), snap.getPool());
        Volume clone = inv.daemon()
                .createClone(CreateCloneRequest.newBuilder()
                        .setSnapshotUuid(snap.getUuid())
                        .setName(name.name())
                        .setSizeBytes(size)
                        .putAllXattrs(xattrs)
                        .build());
        inv.output().print(clone, () -> VolumeViews.details(clone, Map.of(snap.getUuid(), snap)));
        return ExitStatus.OK;
    }

    private static int decouple(Invocation inv) throws UsageException {
        Volume v = VolumeRef.resolve(inv.daemon(), "VOL", inv.args().positional(0));
        Volume decoupled = inv.daemon().decouple(v.getUuid());
        inv.output().print(decoupled, () -> VolumeViews.details(decoupled, Map.of()));
        return ExitStatus.OK;
    }

    private static int stats(Invocation inv) throws UsageException {
        Volume v = VolumeRef.resolve(inv.daemon(), "VOL", inv.args().positional(0));
        VolumeStats s = inv.daemon().volumeStats(v.getUuid());
        inv.output().print(s, () -> VolumeViews.stats(v, s));
        return ExitStatus.OK;
    }

    /**
     * A new volume's name: {@code POOL/NAME}, or a bare {@code NAME} where the pool is implied
     * ({@code inPool}: a snapshot or clone lives in its source's pool).
     */
    private static VolumeRef.ByPoolAndName newName(String text, String inPool) throws UsageException {
        if (VolumeRef.UUID.matcher(text).matches()) {
            throw new UsageException("'" + text + "' is a UUID; the daemon chooses the UUID, give a name");
        }
        VolumeRef ref = VolumeRef.parse("the new name", text);
        return switch (ref) {
            case VolumeRef.ByPoolAndName pn -> {
                if (inPool != null && !pn.pool().equals(inPool)) {
                    throw new UsageException("'" + text + "' is in pool " + pn.pool() + ", but it can only be made in "
                            + inPool + ", where its source is; give just the name: " + pn.name());
                }
                yield pn;
            }
            case VolumeRef.ByName n -> {
                if (inPool == null) {
                    throw new UsageException("give the new volume as POOL/NAME, e.g. tank/" + n.name()
                            + " (./peregrine pool list shows the pools)");
                }
                yield new VolumeRef.ByPoolAndName(inPool, n.name());
            }
            case VolumeRef.ByUuid u -> throw new IllegalStateException("UUIDs are refused above");
        };
    }

    private static Map<String, String> xattrs(Invocation inv) throws UsageException {
        Map<String, String> xattrs = new LinkedHashMap<>();
        for (String kv : inv.args().values("xattr")) {
            Map.Entry<String, String> e = ArgValues.keyValue("--xattr", kv);
            if (xattrs.put(e.getKey(), e.getValue()) != null) {
                throw new UsageException("--xattr " + e.getKey() + " is given twice; give each key once");
            }
        }
        return xattrs;
    }

    /** The parent of {@code v}, to show its name; a parent that cannot be read shows its UUID. */
    private static Map<String, Volume> parentOf(DaemonClient daemon, Volume v) {
        if (v.getParentUuid().isEmpty()) {
            return Map.of();
        }
        try {
            return Map.of(
                    v.getParentUuid(),
                    daemon.getVolume(GetVolumeRequest.newBuilder()
                            .setUuid(v.getParentUuid())
                            .build()));
        } catch (CommandFailedException e) {
            // The view falls back to the parent's UUID, which is exact; the lookup only adds a name.
            return Map.of();
        }
    }
}
