package io.peregrine.dataplane.config;

import java.util.Locale;

/**
 * Every setting of the daemon. Each is a key in the YAML file ({@code target.listen}), a flag
 * ({@code --target.listen}) and an environment variable ({@code PEREGRINE_TARGET_LISTEN});
 * flags win over the environment, which wins over the file, which wins over the defaults.
 */
public enum ConfigKey {
    NODE_NAME("nodeName", "NAME", "this node's name (the Kubernetes node name)"),
    DATA_DIR("dataDir", "DIR", "where the daemon keeps its state (the pools it imports at start)"),
    REACTORS_CORES(
            "reactors.cores",
            "LIST",
            "CPUs to run one pinned reactor on each, e.g. \"0-1\" or \"2,4\";"
                    + " empty: reactors.count unpinned reactors"),
    REACTORS_COUNT("reactors.count", "N", "unpinned reactors when reactors.cores is empty"),
    REACTORS_SPIN_MICROS(
            "reactors.spinMicros",
            "US",
            "how long a reactor keeps polling after work before it" + " sleeps (µs); 0 always sleeps"),
    REACTORS_TRANSPORT("reactors.transport", "epoll|io_uring", "the kernel interface the reactors' sockets use"),
    HUGEPAGES(
            "hugepages",
            "MIB",
            "MiB of hugepage memory this node sets aside for DMA (pcie:// pools); the"
                    + " daemon warns when the system has fewer free"),
    TARGET_LISTEN("target.listen", "ADDR:PORT", "where the NVMe/TCP target listens"),
    TARGET_ADVERTISE(
            "target.advertise", "ADDR", "the address discovery gives hosts (default: the one they" + " reached)"),
    MANAGEMENT_SOCKET("management.socket", "PATH", "the management API's Unix socket (mode 0660)"),
    MANAGEMENT_LISTEN(
            "management.listen",
            "ADDR:PORT",
            "also serve the management API on TCP, with mutual" + " TLS only (off when empty)"),
    MANAGEMENT_TLS_CERT(
            "management.tls.cert", "FILE", "the server certificate chain (PEM; DNS name" + " peregrine-dataplane)"),
    MANAGEMENT_TLS_KEY("management.tls.key", "FILE", "its PKCS#8 private key (PEM)"),
    MANAGEMENT_TLS_CA("management.tls.ca", "FILE", "the CA that signs client certificates (PEM)"),
    METRICS_LISTEN("metrics.listen", "ADDR:PORT", "Prometheus /metrics, /healthz and /readyz (off when empty)"),
    HOST_NQN("hostNqn", "NQN", "this node's NVMe host NQN (default: /etc/nvme/hostnqn)"),
    LOG_LEVEL("logLevel", "LEVEL", "ERROR, WARNING, INFO or DEBUG");

    private final String key;
    private final String metavar;
    private final String help;

    ConfigKey(String key, String metavar, String help) {
        this.key = key;
        this.metavar = metavar;
        this.help = help;
    }

    /** The key in the YAML file (nested maps or dotted keys alike). */
    public String key() {
        return key;
    }

    public String metavar() {
        return metavar;
    }

    public String help() {
        return help;
    }

    /** {@code --target.listen}, {@code --node-name}. */
    public String flag() {
        return "--" + key.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** {@code PEREGRINE_TARGET_LISTEN}, {@code PEREGRINE_NODE_NAME}. */
    public String env() {
        return "PEREGRINE_"
                + key.replaceAll("([a-z])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /** The key a flag or a YAML key names, ignoring case, dashes and underscores; null when none. */
    public static ConfigKey lookup(String name) {
        String n = normalize(name);
        for (ConfigKey k : values()) {
            if (normalize(k.key).equals(n)) {
                return k;
            }
        }
        return null;
    }

    private static String normalize(String s) {
        return s.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }
}
