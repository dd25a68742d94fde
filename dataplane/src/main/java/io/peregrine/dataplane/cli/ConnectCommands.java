package io.peregrine.dataplane.cli;

import io.peregrine.dataplane.api.v1.Export;
import io.peregrine.dataplane.api.v1.TransportAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command lines that attach an exported volume, ready to paste: {@code nvme connect} for the
 * kernel's NVMe/TCP initiator (nvme-cli), and {@code ./peregrine perf --verify}, which writes and
 * reads it back through Peregrine's own initiator.
 */
public final class ConnectCommands {
    /** Stands in for the node's address where the target listens on every address. */
    static final String NODE_ADDRESS = "NODE_ADDRESS";

    private ConnectCommands() {}

    /**
     * One {@code nvme connect} per listener and allowed host.
     *
     * @param daemonHost the host the daemon was reached at over TCP, to replace a wildcard listener
     * @param localHostNqn this machine's host NQN, for an export that allows any host
     */
    public static List<String> nvmeConnect(Export e, Optional<String> daemonHost, Optional<String> localHostNqn) {
        List<String> lines = new ArrayList<>();
        for (TransportAddress l : tcpListeners(e)) {
            for (String host : hosts(e, localHostNqn)) {
                lines.add("nvme connect -t tcp -a " + address(l, daemonHost) + " -s " + l.getTrsvcid() + " -n "
                        + e.getSubsystemNqn() + (host == null ? "" : " --hostnqn " + host));
            }
        }
        return lines;
    }

    /** A 10-second verified read/write run through the first listener, as the first allowed host. */
    public static Optional<String> perf(Export e, Optional<String> daemonHost, Optional<String> localHostNqn) {
        List<TransportAddress> listeners = tcpListeners(e);
        if (listeners.isEmpty()) {
            return Optional.empty();
        }
        TransportAddress l = listeners.getFirst();
        String host = hosts(e, localHostNqn).getFirst();
        return Optional.of("./peregrine perf -r 'trtype:tcp traddr:" + address(l, daemonHost) + " trsvcid:"
                + l.getTrsvcid() + " subnqn:" + e.getSubsystemNqn() + (host == null ? "" : " hostnqn:" + host)
                + (e.getNamespaceId() > 1 ? " ns:" + e.getNamespaceId() : "")
                + "' -q 16 -o 4096 -w randrw -t 10 --verify");
    }

    /** True when a listener listens on every address, so the lines hold {@link #NODE_ADDRESS}. */
    public static boolean needsNodeAddress(Export e, Optional<String> daemonHost) {
        return daemonHost.isEmpty() && tcpListeners(e).stream().anyMatch(ConnectCommands::wildcard);
    }

    private static List<TransportAddress> tcpListeners(Export e) {
        return e.getListenersList().stream()
                .filter(l -> l.getTrtype().isEmpty() || l.getTrtype().equalsIgnoreCase("tcp"))
                .toList();
    }

    /** The allowed hosts; null stands for "no --hostnqn" where any host may connect. */
    private static List<String> hosts(Export e, Optional<String> localHostNqn) {
        List<String> hosts = new ArrayList<>(e.getAllowedHostNqnsList());
        if (e.getAllowAnyHost() && !hosts.contains(localHostNqn.orElse(null))) {
            hosts.add(localHostNqn.orElse(null));
        }
        if (hosts.isEmpty()) {
            hosts.add(null);
        }
        return hosts;
    }

    private static String address(TransportAddress l, Optional<String> daemonHost) {
        if (!wildcard(l)) {
            return l.getTraddr();
        }
        return daemonHost.orElse(NODE_ADDRESS);
    }

    private static boolean wildcard(TransportAddress l) {
        String a = l.getTraddr();
        return a.isEmpty() || a.equals("0.0.0.0") || a.equals("::") || a.equals("[::]");
    }
}
