package io.peregrine.csi;

import io.peregrine.csi.cluster.DataplaneTls;
import io.peregrine.csi.server.Endpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code csi} command line. Every flag has a default that works on a Kubernetes node; bad
 * input is rejected with a message that says what to pass instead.
 */
public record CsiOptions(
        Command command,
        List<Role> roles,
        Optional<Endpoint> endpoint,
        Path socketDir,
        String nodeId,
        Optional<Endpoint> dataplane,
        Optional<String> hostNqn,
        Path nvmeDir,
        long maxVolumesPerNode,
        int ctrlLossTmoSeconds,
        int reconnectDelaySeconds,
        Duration deviceWait,
        Duration unmountTimeout,
        Directory nodeDirectory,
        Optional<DataplaneTls> tls) {

    /** {@code serve}: one endpoint with the roles asked for; {@code local}: controller and node sockets. */
    public enum Command {
        SERVE,
        LOCAL
    }

    public enum Role {
        CONTROLLER,
        NODE
    }

    /** How the controller finds storage nodes: the local daemon, or StorageNode objects in a cluster. */
    public enum Directory {
        LOCAL,
        KUBERNETES
    }

    public static final String USAGE = """
            usage: csi [--mode all|controller|node] --endpoint unix:///PATH [OPTION]...
                   csi local --dataplane unix:///PATH [--socket-dir DIR] [OPTION]...

            Serves the CSI plugin (driver %s). `local` serves a controller and a node socket side
            by side against one local dataplane and prints their paths.

            options:
              --mode MODE              controller, node or all (default all)
              --endpoint unix:///P     the CSI socket (what the sidecars' --csi-address names)
              --socket-dir DIR         local: where controller.sock and node.sock go (default /run/peregrine/csi)
              --node-id NAME           this node's id (default $KUBE_NODE_NAME, else the host name)
              --node-directory D       local (default): the controller manages the one dataplane
                                       given by --dataplane; kubernetes: every dataplane of the
                                       cluster, found through StorageNode objects
              --dataplane unix:///P    the local dataplane's management socket (local directory)
              --tls-cert FILE          kubernetes directory: the controller's client certificate
                                       (PEM) for the dataplanes' mutual TLS
              --tls-key FILE           its PKCS#8 private key (PEM)
              --tls-ca FILE            the CA that signs dataplane certificates (PEM)
              --tls-server-name NAME   the DNS name dataplane certificates carry (default
                                       peregrine-dataplane)
              --host-nqn NQN           this node's NVMe host NQN (default: /etc/nvme/hostnqn,
                                       generated and saved there when absent)
              --nvme-dir DIR           where hostnqn and hostid live (default /etc/nvme)
              --max-volumes-per-node N attach limit reported to the scheduler (default 0: none)
              --ctrl-loss-tmo S        how long the kernel reconnects a lost path (default 600)
              --reconnect-delay S      seconds between reconnect attempts (default 2)
              --device-wait S          how long a namespace may take to appear (default 30)
              --unmount-timeout S      how long umount may block before the mount is detached
                                       lazily (default 20)
            """.formatted(CsiDriver.NAME);

    public static CsiOptions parse(String[] args, Map<String, String> env) {
        List<String> rest = new ArrayList<>(List.of(args));
        Command command = Command.SERVE;
        if (!rest.isEmpty() && rest.getFirst().equals("local")) {
            command = Command.LOCAL;
            rest.removeFirst();
        }
        String mode = "all";
        Optional<Endpoint> endpoint = Optional.empty();
        Path socketDir = Path.of("/run/peregrine/csi");
        String nodeId = env.getOrDefault("KUBE_NODE_NAME", "");
        Optional<Endpoint> dataplane = Optional.empty();
        Optional<String> hostNqn = Optional.empty();
        Path nvmeDir = Path.of("/etc/nvme");
        long maxVolumes = 0;
        int ctrlLoss = 600;
        int reconnect = 2;
        Duration deviceWait = Duration.ofSeconds(30);
        Duration unmountTimeout = Duration.ofSeconds(20);
        String directory = "local";
        Optional<Path> tlsCert = Optional.empty();
        Optional<Path> tlsKey = Optional.empty();
        Optional<Path> tlsCa = Optional.empty();
        String tlsServerName = DataplaneTls.DEFAULT_SERVER_NAME;
        for (int i = 0; i < rest.size(); i++) {
            String flag = rest.get(i);
            String name = flag.contains("=") ? flag.substring(0, flag.indexOf('=')) : flag;
            if (name.equals("-h") || name.equals("--help")) throw new UsageException("");
            String value;
            if (flag.contains("=")) {
                value = flag.substring(flag.indexOf('=') + 1);
            } else if (i + 1 < rest.size()) {
                value = rest.get(++i);
            } else {
                throw new UsageException(flag + " needs a value");
            }
            switch (name) {
                case "--mode" -> mode = value;
                case "--endpoint" -> endpoint = Optional.of(endpoint(value));
                case "--socket-dir" -> socketDir = Path.of(value);
                case "--node-id" -> nodeId = value;
                case "--dataplane" -> dataplane = Optional.of(endpoint(value));
                case "--host-nqn" -> hostNqn = Optional.of(value);
                case "--nvme-dir" -> nvmeDir = Path.of(value);
                case "--max-volumes-per-node" -> maxVolumes = number(flag, value);
                case "--ctrl-loss-tmo" -> ctrlLoss = (int) number(flag, value);
                case "--reconnect-delay" -> reconnect = (int) number(flag, value);
                case "--device-wait" -> deviceWait = Duration.ofSeconds(number(flag, value));
                case "--unmount-timeout" -> unmountTimeout = Duration.ofSeconds(Math.max(1, number(flag, value)));
                case "--node-directory" -> directory = value;
                case "--tls-cert" -> tlsCert = Optional.of(Path.of(value));
                case "--tls-key" -> tlsKey = Optional.of(Path.of(value));
                case "--tls-ca" -> tlsCa = Optional.of(Path.of(value));
                case "--tls-server-name" -> tlsServerName = value;
                default -> throw new UsageException("unknown option " + flag);
            }
        }
        List<Role> roles = switch (mode) {
            case "all" -> List.of(Role.CONTROLLER, Role.NODE);
            case "controller" -> List.of(Role.CONTROLLER);
            case "node" -> List.of(Role.NODE);
            default -> throw new UsageException("--mode must be all, controller or node, got " + mode);
        };
        if (command == Command.SERVE && endpoint.isEmpty()) {
            throw new UsageException("--endpoint is required, e.g. --endpoint unix:///csi/csi.sock");
        }
        if (command == Command.LOCAL) roles = List.of(Role.CONTROLLER, Role.NODE);
        Directory nodeDirectory = switch (directory) {
            case "local" -> Directory.LOCAL;
            case "kubernetes" -> Directory.KUBERNETES;
            default -> throw new UsageException("--node-directory must be local or kubernetes, got " + directory);
        };
        Optional<DataplaneTls> tls = tls(tlsCert, tlsKey, tlsCa, tlsServerName);
        if (nodeDirectory == Directory.KUBERNETES) {
            if (command == Command.LOCAL) {
                throw new UsageException("csi local serves one local dataplane; drop --node-directory kubernetes");
            }
            if (dataplane.isPresent()) {
                throw new UsageException("--dataplane names the one dataplane of --node-directory local; with"
                        + " kubernetes, StorageNode objects say where every dataplane is");
            }
            if (roles.contains(Role.CONTROLLER) && tls.isEmpty()) {
                throw new UsageException("--node-directory kubernetes needs --tls-cert, --tls-key and --tls-ca:"
                        + " the controller reaches remote dataplanes only over mutual TLS");
            }
        } else if (roles.contains(Role.CONTROLLER) && dataplane.isEmpty()) {
            throw new UsageException("the controller needs a dataplane: pass --dataplane unix:///PATH (the node "
                    + "daemon's management socket), or --node-directory kubernetes in a cluster");
        }
        if (nodeId.isBlank()) nodeId = hostName();
        return new CsiOptions(
                command,
                roles,
                endpoint,
                socketDir,
                nodeId,
                dataplane,
                hostNqn,
                nvmeDir,
                maxVolumes,
                ctrlLoss,
                reconnect,
                deviceWait,
                unmountTimeout,
                nodeDirectory,
                tls);
    }

    /** All three files or none; each must be readable now (fail at start, not at the first call). */
    private static Optional<DataplaneTls> tls(
            Optional<Path> cert, Optional<Path> key, Optional<Path> ca, String serverName) {
        if (cert.isEmpty() && key.isEmpty() && ca.isEmpty()) return Optional.empty();
        if (cert.isEmpty() || key.isEmpty() || ca.isEmpty()) {
            List<String> missing = new ArrayList<>();
            if (cert.isEmpty()) missing.add("--tls-cert");
            if (key.isEmpty()) missing.add("--tls-key");
            if (ca.isEmpty()) missing.add("--tls-ca");
            throw new UsageException(
                    "--tls-cert, --tls-key and --tls-ca go together; missing " + String.join(", ", missing));
        }
        try {
            return Optional.of(new DataplaneTls(cert.get(), key.get(), ca.get(), serverName));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static Endpoint endpoint(String value) {
        try {
            return Endpoint.parse(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static long number(String flag, String value) {
        try {
            long n = Long.parseLong(value);
            if (n < 0) throw new UsageException(flag + " must not be negative, got " + value);
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " wants a number, got '" + value + "'");
        }
    }

    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            throw new UsageException("cannot read the host name; pass --node-id");
        }
    }

    /** A command-line mistake; the message says which and how to fix it. */
    public static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }
}
