package io.peregrine.dataplane.cli;

import io.peregrine.dataplane.api.v1.Export;
import io.peregrine.dataplane.api.v1.ListExportsResponse;
import io.peregrine.dataplane.api.v1.ListVolumesRequest;
import io.peregrine.dataplane.api.v1.PublishVolumeRequest;
import io.peregrine.dataplane.api.v1.Volume;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code ./peregrine export SUBCOMMAND}: volumes exported over NVMe/TCP, who may connect, and the
 * {@code nvme connect} line that attaches them.
 */
public final class ExportCommand {
    /** NVMe Base 2.1 §4.7: an NQN is at most 223 bytes of UTF-8. */
    private static final int NQN_MAX_BYTES = 223;

    private static final Option HOST =
            Option.value("host", "NQN", "a host NQN allowed to connect").many();

    static final CommandGroup GROUP = new CommandGroup(
            "export",
            "Volumes exported over NVMe/TCP by the node's dataplane daemon, and who may connect to them.",
            """
            VOL is POOL/NAME (tank/pvc-1), the volume's UUID, or just NAME when one pool has it.
            A host is named by its NQN: a Linux machine's is in /etc/nvme/hostnqn (nvme gen-hostnqn makes one).""",
            List.of(
                    Subcommand.named("add", "VOL")
                            .synopsis("VOL (--host NQN... | --allow-any-host)")
                            .summary("export a volume (if needed) and allow hosts to connect")
                            .description("""
                                    Exports VOL over NVMe/TCP as subsystem nqn.2026-11.io.peregrine:vol:<uuid>
                                    (one namespace, whose NGUID and UUID follow from the volume's) and allows the
                                    given hosts to connect; on an exported volume it only adds hosts. Only allowed
                                    hosts may connect or see it in discovery; --allow-any-host turns the check
                                    off for this volume. Prints the nvme connect line to paste on the host.""")
                            .examples(
                                    "./peregrine export add tank/pvc-1 --host $(cat /etc/nvme/hostnqn)",
                                    "./peregrine export add tank/scratch --allow-any-host")
                            .options(HOST, Option.flag("allow-any-host", "let any host connect (no allowlist)"))
                            .handler(ExportCommand::add),
                    Subcommand.named("remove", "VOL")
                            .synopsis("VOL [--host NQN]...")
                            .summary("disallow hosts, or without --host stop exporting")
                            .description("""
                                    With --host, removes those hosts from the volume's allowlist and disconnects
                                    them. Without, stops exporting the volume and disconnects every host (their
                                    I/O fails, so unmount it there first).""")
                            .examples(
                                    "./peregrine export remove tank/pvc-1 --host nqn.2014-08.org.nvmexpress:uuid:"
                                            + "5b0b0e2a-3f59-4c36-9d3e-1f1a3c2b4d5e",
                                    "./peregrine export remove tank/pvc-1")
                            .options(HOST)
                            .handler(ExportCommand::remove),
                    Subcommand.named("list")
                            .summary("list exported volumes")
                            .description("Lists the exported volumes: subsystem NQN, allowed and connected hosts,"
                                    + " listeners.")
                            .examples("./peregrine export list")
                            .handler(ExportCommand::list),
                    Subcommand.named("get", "VOL")
                            .synopsis("VOL")
                            .summary("show one export and its nvme connect line")
                            .description("Shows one export: subsystem, namespace IDs, listeners, allowed and"
                                    + " connected hosts, and the command lines that attach it.")
                            .examples("./peregrine export get tank/pvc-1")
                            .handler(ExportCommand::get)));

    private ExportCommand() {}

    public static void main(String[] args) {
        System.exit(run(args, Environment.system(), System.out, System.err));
    }

    static int run(String[] args, Environment env, PrintStream out, PrintStream err) {
        return GROUP.run(args, env, out, err);
    }

    private static int add(Invocation inv) throws UsageException {
        Set<String> hosts = hostNqns(inv);
        boolean any = inv.args().has("allow-any-host");
        if (hosts.isEmpty() && !any) {
            throw new UsageException("say which hosts may connect: --host NQN ("
                    + inv.env()
                            .localHostNqn()
                            .map(nqn -> "this machine's is " + nqn + "; ")
                            .orElse("")
                    + "a Linux machine's is in its /etc/nvme/hostnqn), or --allow-any-host");
        }
        Volume v = VolumeRef.resolve(inv.daemon(), "VOL", inv.args().positional(0));
        Export e = inv.daemon()
                .publish(PublishVolumeRequest.newBuilder()
                        .setVolumeUuid(v.getUuid())
                        .addAllAllowedHostNqns(hosts)
                        .setAllowAnyHost(any)
                        .build());
        inv.output()
                .print(
                        e,
                        () -> ExportViews.details(
                                e, v, daemonHost(inv), inv.env().localHostNqn()));
        return ExitStatus.OK;
    }

    private static int remove(Invocation inv) throws UsageException {
        Set<String> hosts = hostNqns(inv);
        Volume v = VolumeRef.resolve(inv.daemon(), "VOL", inv.args().positional(0));
        if (!hosts.isEmpty()) {
            Export e = null;
            for (String host : hosts) {
                e = inv.daemon().removeHost(v.getUuid(), host);
            }
            Export last = e;
            inv.output()
                    .print(
                            last,
                            () -> ExportViews.details(
                                    last, v, daemonHost(inv), inv.env().localHostNqn()));
            return ExitStatus.OK;
        }
        Export before;
        try {
            before = inv.daemon().getExport(v.getUuid());
        } catch (CommandFailedException e) {
            if (!e.notFound()) {
                throw e;
            }
            inv.output()
                    .print(
                            new JsonValue.Obj(Map.of()),
                            () -> VolumeRef.display(v) + " is not exported; nothing to remove\n");
            return ExitStatus.OK;
        }
        inv.daemon().unpublish(v.getUuid());
        inv.output()
                .print(
                        before,
                        () -> "stopped exporting " + VolumeRef.display(v) + " (" + before.getSubsystemNqn()
                                + ")"
                                + (before.getConnectedHostsCount() > 0
                                        ? "; disconnected " + before.getConnectedHostsCount() + " host(s)"
                                        : "")
                                + "\n");
        return ExitStatus.OK;
    }

    private static int list(Invocation inv) throws UsageException {
        List<Export> exports = inv.daemon().listExports();
        Map<String, Volume> volumes = new HashMap<>();
        if (inv.output().table() && !exports.isEmpty()) {
            inv.daemon()
                    .listAllVolumes(ListVolumesRequest.getDefaultInstance())
                    .forEach(v -> volumes.put(v.getUuid(), v));
        }
        inv.output()
                .print(
                        ListExportsResponse.newBuilder().addAllExports(exports).build(),
                        () -> exports.isEmpty()
                                ? "no volumes are exported; export one: ./peregrine export add VOL --host NQN\n"
                                : ExportViews.table(exports, volumes));
        return ExitStatus.OK;
    }

    private static int get(Invocation inv) throws UsageException {
        Volume v = VolumeRef.resolve(inv.daemon(), "VOL", inv.args().positional(0));
        Export e;
        try {
            e = inv.daemon().getExport(v.getUuid());
        } catch (CommandFailedException ex) {
            if (ex.notFound()) {
                throw new CommandFailedException(
                        ExitStatus.FAILED,
                        "not found: " + VolumeRef.display(v) + " is not exported; export it with ./peregrine export"
                                + " add " + VolumeRef.display(v) + " --host NQN",
                        ex.code(),
                        ex);
            }
            throw ex;
        }
        inv.output()
                .print(
                        e,
                        () -> ExportViews.details(
                                e, v, daemonHost(inv), inv.env().localHostNqn()));
        return ExitStatus.OK;
    }

    private static Set<String> hostNqns(Invocation inv) throws UsageException {
        Set<String> hosts = new LinkedHashSet<>();
        for (String nqn : inv.args().values("host")) {
            if (!nqn.startsWith("nqn.")
                    || nqn.getBytes(StandardCharsets.UTF_8).length > NQN_MAX_BYTES
                    || nqn.chars().anyMatch(c -> c <= ' ')) {
                throw new UsageException("--host '" + nqn + "' is not a host NQN; they look like"
                        + " nqn.2014-08.org.nvmexpress:uuid:5b0b0e2a-3f59-4c36-9d3e-1f1a3c2b4d5e (at most "
                        + NQN_MAX_BYTES + " bytes, no spaces), and a Linux machine's is in /etc/nvme/hostnqn");
            }
            hosts.add(nqn);
        }
        return hosts;
    }

    /** The address the daemon was reached at, when over TCP: the node's address for connect lines. */
    private static Optional<String> daemonHost(Invocation inv) {
        return inv.connectedEndpoint()
                .filter(DaemonEndpoint.Tcp.class::isInstance)
                .map(e -> ((DaemonEndpoint.Tcp) e).host());
    }
}
