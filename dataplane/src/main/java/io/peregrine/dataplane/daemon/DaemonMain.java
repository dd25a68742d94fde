package io.peregrine.dataplane.daemon;

import io.peregrine.dataplane.config.ConfigLoader;
import io.peregrine.dataplane.config.DaemonConfig;
import io.peregrine.nvmf.buffer.NettyDefaults;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./peregrine dataplane}: the node daemon. Runs until SIGTERM or SIGINT, then stops cleanly
 * (API refuses calls, exports drain, pools unloaded with their clean flag). A bad setting is one
 * sentence on stderr and exit status 2; a failure to start (port in use, socket taken) exit 1.
 */
public final class DaemonMain {
    static final String SYNOPSIS = """
            usage: ./peregrine dataplane [--config FILE] [--KEY VALUE]...

            The Peregrine node daemon: imports the pools this node remembers (dataDir/pools),
            exports their published volumes over NVMe/TCP, serves the management API
            (peregrine.dataplane.v1) on a Unix socket -- and on TCP with mutual TLS when
            management.listen is set -- and Prometheus metrics, /healthz and /readyz.""";

    private DaemonMain() {}

    public static void main(String[] args) throws InterruptedException {
        Logging.install();
        NettyDefaults.forDataPath();
        ConfigLoader loader = new ConfigLoader("dataplane", ConfigLoader.daemonDefaults(System.getenv()));
        DaemonConfig config;
        try {
            config = loader.load(Arrays.asList(args), System.getenv(), false).config();
        } catch (ConfigLoader.UsageException e) {
            if (e.getMessage().isEmpty()) {
                System.out.print(loader.usage(SYNOPSIS));
                return;
            }
            System.err.println("dataplane: " + e.getMessage() + " (./peregrine dataplane --help lists the settings)");
            System.exit(2);
            return;
        }
        Logging.configure(config.logLevel());
        Daemon daemon;
        try {
            daemon = Daemon.start(config);
        } catch (RuntimeException e) {
            System.err.println("dataplane: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        runUntilSignalled(daemon);
    }

    /** Blocks until the JVM is asked to stop, then closes {@code daemon} before it exits. */
    public static void runUntilSignalled(AutoCloseable daemon) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                daemon.close();
                            } catch (Exception e) {
                                System.err.println("stopping: " + e);
                            } finally {
                                stopped.countDown();
                            }
                        },
                        "dataplane-shutdown"));
        stopped.await();
    }
}
