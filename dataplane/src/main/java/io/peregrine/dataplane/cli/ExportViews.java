package io.peregrine.dataplane.cli;

import io.peregrine.dataplane.api.v1.ConnectedHost;
import io.peregrine.dataplane.api.v1.Export;
import io.peregrine.dataplane.api.v1.TransportAddress;
import io.peregrine.dataplane.api.v1.Volume;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** NVMe/TCP exports, for people, with the lines that attach them. */
public final class ExportViews {
    private ExportViews() {}

    /** @param volumes volumes by UUID, to name them; one not among them shows its UUID */
    public static String table(List<Export> exports, Map<String, Volume> volumes) {
        Table t = new Table()
                .left("VOLUME")
                .left("SUBSYSTEM NQN")
                .right("NSID")
                .left("HOSTS")
                .right("CONNECTED")
                .left("LISTENERS");
        // sorted by what the VOLUME column shows: the same exports always print the same
        for (Export e : exports.stream()
                .sorted(Comparator.comparing((Export x) -> name(x, volumes)))
                .toList()) {
            t.row(
                    name(e, volumes),
                    e.getSubsystemNqn(),
                    Integer.toUnsignedString(e.getNamespaceId()),
                    hosts(e),
                    Integer.toString(e.getConnectedHostsCount()),
                    String.join(
                            ",",
                            e.getListenersList().stream()
                                    .map(ExportViews::address)
                                    .toList()));
        }
        return t.render();
    }

    /**
     * One export and how to attach it.
     *
     * @param volume the exported volume, or null when unknown
     */
    public static String details(Export e, Volume volume, Optional<String> daemonHost, Optional<String> localHostNqn) {
        List<String> connected = new ArrayList<>();
        for (ConnectedHost h : e.getConnectedHostsList()) {
            connected.add(h.getHostNqn() + " (controller " + h.getControllerId() + ", " + h.getIoQueues()
                    + " I/O queues, from " + address(h.getPeer()) + ")");
        }
        Details d = new Details()
                .add(
                        "Volume",
                        volume == null ? e.getVolumeUuid() : VolumeRef.display(volume) + " (" + e.getVolumeUuid() + ")")
                .add("Subsystem NQN", e.getSubsystemNqn())
                .add(
                        "Namespace",
                        e.getNamespaceId() + " (NGUID " + e.getNamespaceNguid() + ", UUID " + e.getNamespaceUuid()
                                + ")")
                .addAll(
                        "Listeners",
                        e.getListenersList().stream().map(ExportViews::address).toList())
                .add("Allowed hosts", hosts(e))
                .addAll("Connected", connected);
        StringBuilder sb = new StringBuilder(d.render());
        List<String> connect = ConnectCommands.nvmeConnect(e, daemonHost, localHostNqn);
        if (!connect.isEmpty()) {
            sb.append("\nAttach it from a Linux machine with nvme-cli (modprobe nvme-tcp first):\n");
            connect.forEach(line -> sb.append("  ").append(line).append('\n'));
            ConnectCommands.perf(e, daemonHost, localHostNqn)
                    .ifPresent(perf -> sb.append("Write and read it back, verified, with Peregrine's own initiator:\n")
                            .append("  ")
                            .append(perf)
                            .append('\n'));
            if (ConnectCommands.needsNodeAddress(e, daemonHost)) {
                sb.append("(the target listens on every address: put this node's address for ")
                        .append(ConnectCommands.NODE_ADDRESS)
                        .append(")\n");
            }
            if (e.getAllowAnyHost() && e.getAllowedHostNqnsCount() == 0 && localHostNqn.isEmpty()) {
                sb.append("(any host may connect: nvme connect uses the machine's /etc/nvme/hostnqn)\n");
            }
        }
        return sb.toString();
    }

    static String hosts(Export e) {
        List<String> hosts = new ArrayList<>();
        if (e.getAllowAnyHost()) {
            hosts.add("any");
        }
        hosts.addAll(e.getAllowedHostNqnsList());
        return hosts.isEmpty() ? "none" : String.join(",", hosts);
    }

    static String address(TransportAddress a) {
        String host = a.getTraddr().indexOf(':') >= 0 ? "[" + a.getTraddr() + "]" : a.getTraddr();
        return (a.getTrtype().isEmpty() ? "" : a.getTrtype() + ":") + host + ":" + a.getTrsvcid();
    }

    private static String name(Export e, Map<String, Volume> volumes) {
        Volume v = volumes.get(e.getVolumeUuid());
        return v == null ? e.getVolumeUuid() : VolumeRef.display(v);
    }
}
