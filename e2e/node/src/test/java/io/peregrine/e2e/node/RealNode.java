package io.peregrine.e2e.node;

import io.grpc.ManagedChannel;
import io.peregrine.csi.CsiOptions;
import io.peregrine.csi.CsiPlugin;
import io.peregrine.csi.server.EpollTransport;
import io.peregrine.csi.v1.ControllerGrpc;
import io.peregrine.csi.v1.IdentityGrpc;
import io.peregrine.csi.v1.NodeGrpc;
import io.peregrine.dataplane.config.ConfigLoader;
import io.peregrine.dataplane.config.DaemonConfig;
import io.peregrine.dataplane.daemon.Daemon;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A whole node in this JVM, as {@code ./peregrine local} assembles it: the real dataplane daemon
 * (management API on a Unix socket, NVMe/TCP target on an ephemeral port, one reactor) with a
 * {@code file://} pool in a temporary directory, and the CSI plugin in local mode serving its
 * controller and node sockets against the daemon's socket.
 */
public final class RealNode implements AutoCloseable {

    /** The CSI node id (and the daemon's node name). */
    public static final String NODE = "e2e-node";

    /** The host NQN of the local node: the one ControllerPublish allows. */
    public static final String HOST_NQN = "nqn.2014-08.org.nvmexpress:uuid:11111111-2222-4333-8444-555555555555";

    /** A host that was never allowed anything. */
    public static final String OTHER_HOST_NQN = "nqn.2014-08.org.nvmexpress:uuid:66666666-7777-4888-9999-000000000000";

    public static final String POOL = "fast";

    private final DaemonConfig config;
    private Daemon daemon;
    private final CsiPlugin csi;
    private final EpollTransport transport = new EpollTransport();
    private final ManagedChannel controllerChannel;
    private final ManagedChannel nodeChannel;
    private final Path dir;

    private RealNode(Path dir, DaemonConfig config, Daemon daemon, CsiPlugin csi) {
        this.dir = dir;
        this.config = config;
        this.daemon = daemon;
        this.csi = csi;
        controllerChannel = transport.channelTo(dir.resolve("csi").resolve("controller.sock"));
        nodeChannel = transport.channelTo(dir.resolve("csi").resolve("node.sock"));
    }

    /** Target on loopback, a sparse pool of {@code poolBytes}. */
    public static RealNode start(Path dir, long poolBytes) {
        return start(dir, "127.0.0.1:0", poolBytes, HOST_NQN);
    }

    /**
     * @param listen where the NVMe/TCP target listens ({@code 0.0.0.0:0} for a guest)
     * @param hostNqn the local node's host NQN: what ControllerPublish allows
     */
    public static RealNode start(Path dir, String listen, long poolBytes, String hostNqn) {
        DaemonConfig config = daemonConfig(dir, listen);
        Daemon daemon = Daemon.start(config);
        try {
            daemon.node()
                    .pools()
                    .create(POOL, "file://" + dir.toAbsolutePath().resolve("pool.img") + "?size=" + poolBytes, 0);
            CsiPlugin csi = CsiPlugin.start(CsiOptions.parse(
                    new String[] {
                        "local",
                        "--dataplane",
                        "unix://" + dir.toAbsolutePath().resolve("dp.sock"),
                        "--socket-dir",
                        dir.toAbsolutePath().resolve("csi").toString(),
                        "--node-id",
                        NODE,
                        "--host-nqn",
                        hostNqn,
                        "--nvme-dir",
                        dir.toAbsolutePath().resolve("nvme").toString()
                    },
                    Map.of()));
            return new RealNode(dir, config, daemon, csi);
        } catch (RuntimeException e) {
            daemon.close();
            throw e;
        }
    }

    static DaemonConfig daemonConfig(Path dir, String listen) {
        List<String> args = new ArrayList<>(List.of(
                "--data-dir",
                dir.toString(),
                "--node-name",
                NODE,
                "--management.socket",
                dir.resolve("dp.sock").toString(),
                "--target.listen",
                listen,
                "--metrics.listen",
                "127.0.0.1:0",
                "--reactors.count",
                "1",
                "--host-nqn",
                HOST_NQN));
        return new ConfigLoader("e2e", ConfigLoader.daemonDefaults(Map.of()))
                .load(args, Map.of(), false)
                .config();
    }

    public synchronized Daemon daemon() {
        return daemon;
    }

    /** The daemon goes away (target, management socket); the CSI plugin stays. */
    public synchronized void stopDaemon() {
        if (daemon != null) {
            daemon.close();
            daemon = null;
        }
    }

    /** The daemon comes back with the same settings: it re-imports its pool, volumes and exports. */
    public synchronized void startDaemon() {
        if (daemon == null) {
            daemon = Daemon.start(config);
        }
    }

    public Path dir() {
        return dir;
    }

    public Path managementSocket() {
        return dir.resolve("dp.sock");
    }

    public synchronized InetSocketAddress target() {
        return daemon.targetAddress();
    }

    public ControllerGrpc.ControllerBlockingStub controller() {
        return ControllerGrpc.newBlockingStub(controllerChannel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    public NodeGrpc.NodeBlockingStub node() {
        return NodeGrpc.newBlockingStub(nodeChannel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    public IdentityGrpc.IdentityBlockingStub controllerIdentity() {
        return IdentityGrpc.newBlockingStub(controllerChannel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        controllerChannel.shutdownNow();
        nodeChannel.shutdownNow();
        try {
            csi.close();
        } finally {
            try {
                stopDaemon();
            } finally {
                transport.close();
            }
        }
    }
}
