package io.peregrine.local;

import io.peregrine.csi.CsiOptions;
import io.peregrine.csi.CsiPlugin;
import io.peregrine.dataplane.config.ConfigLoader;
import io.peregrine.dataplane.config.DaemonConfig;
import io.peregrine.dataplane.daemon.Daemon;
import io.peregrine.dataplane.daemon.DaemonMain;
import io.peregrine.dataplane.daemon.Logging;
import io.peregrine.dataplane.node.Pools;
import io.peregrine.nvmf.buffer.NettyDefaults;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code ./peregrine local}: a whole node on this machine. Starts the dataplane daemon with local
 * defaults, makes sure the pool {@value #POOL} exists on a sparse file in the data directory
 * (created on first start, re-imported with every volume, snapshot and export afterwards), serves
 * the CSI controller and node sockets against it, prints what runs and what to try next, and stops
 * cleanly on Ctrl-C.
 */
public final class LocalMain {
    /** The pool local mode creates. */
    static final String POOL = "local";

    static final String POOL_FILE = "pool.img";

    private LocalMain() {}

    public static void main(String[] args) throws InterruptedException {
        Logging.install();
        NettyDefaults.forDataPath();
        LocalOptions options;
        try {
            options = LocalOptions.parse(Arrays.asList(args), System.getenv());
        } catch (ConfigLoader.UsageException e) {
            if (e.getMessage().isEmpty()) {
                System.out.print(LocalOptions.usage());
                return;
            }
            System.err.println("local: " + e.getMessage() + " (./peregrine local --help lists the settings)");
            System.exit(2);
            return;
        }
        Logging.configure(options.daemon().logLevel());
        LocalNode node;
        try {
            node = LocalNode.start(options);
        } catch (RuntimeException e) {
            System.err.println("local: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        node.printBanner(System.out);
        DaemonMain.runUntilSignalled(node);
    }

    /** The running pieces of local mode. */
    static final class LocalNode implements AutoCloseable {
        private final LocalOptions options;
        private final Daemon daemon;
        private final Optional<CsiPlugin> csi;
        private final List<String> notes;

        private LocalNode(LocalOptions options, Daemon daemon, Optional<CsiPlugin> csi, List<String> notes) {
            this.options = options;
            this.daemon = daemon;
            this.csi = csi;
            this.notes = notes;
        }

        static LocalNode start(LocalOptions options) {
            DaemonConfig config = options.daemon();
            Daemon daemon = Daemon.start(config);
            List<String> notes = new ArrayList<>();
            try {
                ensurePool(daemon, options, notes);
                Optional<CsiPlugin> csi = Optional.empty();
                if (options.csi()) {
                    try {
                        csi = Optional.of(CsiPlugin.start(csiOptions(config)));
                    } catch (RuntimeException e) {
                        notes.add("the CSI sockets are not served: " + e.getMessage()
                                + " (the node works without them; --no-csi silences this)");
                    }
                }
                return new LocalNode(options, daemon, csi, notes);
            } catch (RuntimeException e) {
                daemon.close();
                throw e;
            }
        }

        /**
         * The pool {@value #POOL}: re-imported by the daemon when it remembers it; imported from the
         * file when the file is there but the state was lost; created otherwise.
         */
        private static void ensurePool(Daemon daemon, LocalOptions options, List<String> notes) {
            Pools pools = daemon.node().pools();
            if (pools.find(POOL) != null) {
                return;
            }
            Path file = options.daemon().dataDir().toAbsolutePath().normalize().resolve(POOL_FILE);
            String uri = "file://" + file;
            if (Files.exists(file)) {
                pools.importPool(uri, POOL);
                notes.add("imported pool " + POOL + " from " + file + " (the state file did not list it)");
            } else {
                pools.create(POOL, uri + "?size=" + options.poolBytes(), 0);
            }
        }

        private static CsiOptions csiOptions(DaemonConfig config) {
            Path data = config.dataDir().toAbsolutePath().normalize();
            List<String> args = new ArrayList<>(List.of(
                    "local",
                    "--dataplane",
                    "unix://" + config.managementSocket().toAbsolutePath().normalize(),
                    "--socket-dir",
                    data.resolve("csi").toString(),
                    "--node-id",
                    config.nodeName()));
            config.hostNqn().ifPresent(nqn -> args.addAll(List.of("--host-nqn", nqn)));
            if (!Files.isReadable(Path.of("/etc/nvme/hostnqn"))) {
                // a newcomer's machine without nvme-cli: keep the generated identity with our data
                args.addAll(List.of("--nvme-dir", data.resolve("nvme").toString()));
            }
            return CsiOptions.parse(args.toArray(String[]::new), java.util.Map.of());
        }

        Daemon daemon() {
            return daemon;
        }

        void printBanner(PrintStream out) {
            DaemonConfig config = options.daemon();
            var target = daemon.targetAddress();
            String socket = config.managementSocket().toString();
            StringBuilder b = new StringBuilder("\nPeregrine local node '" + config.nodeName() + "' is running.\n\n");
            var pool = daemon.node().pools().get(POOL);
            b.append("  pool        ")
                    .append(POOL)
                    .append(" on ")
                    .append(pool.uri())
                    .append('\n');
            b.append("  volumes     ")
                    .append(daemon.node().volumes().list(POOL).size())
                    .append(", exports ")
                    .append(daemon.node().exports().all().size())
                    .append('\n');
            b.append("  NVMe/TCP    ")
                    .append(target.getAddress().getHostAddress())
                    .append(':')
                    .append(target.getPort())
                    .append('\n');
            b.append("  management  unix://").append(socket).append('\n');
            daemon.metricsAddress()
                    .ifPresent(m -> b.append("  metrics     http://")
                            .append(m.getAddress().getHostAddress())
                            .append(':')
                            .append(m.getPort())
                            .append("/metrics  (/healthz, /readyz)\n"));
            csi.ifPresent(c -> c.endpoints()
                    .forEach(e -> b.append("  CSI         ").append(e).append('\n')));
            for (String n : notes) {
                b.append("  note        ").append(n).append('\n');
            }
            b.append("\nTry, in another terminal:\n")
                    .append("  ./peregrine volume create local/demo --size 1G\n")
                    .append("  ./peregrine export add local/demo --allow-any-host\n")
                    .append("  ./peregrine volume list\n")
                    .append("  ./peregrine perf -r 'trtype:tcp traddr:127.0.0.1 trsvcid:")
                    .append(target.getPort())
                    .append(" subnqn:NQN' -w randwrite -q 32 -o 4K -t 10 --verify\n")
                    .append("     (NQN: the subsystem 'export add' printed)\n")
                    .append("  curl -s http://127.0.0.1:")
                    .append(daemon.metricsAddress().map(a -> a.getPort()).orElse(9464))
                    .append("/metrics | grep peregrine_volume\n")
                    .append("\nCtrl-C stops the node cleanly; ./peregrine local starts it again with everything.\n");
            out.print(b);
            out.flush();
        }

        @Override
        public void close() {
            csi.ifPresent(CsiPlugin::close);
            daemon.close();
        }
    }
}
