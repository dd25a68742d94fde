package io.peregrine.csi;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.peregrine.csi.cluster.ChannelCache;
import io.peregrine.csi.cluster.KubernetesNodeDirectory;
import io.peregrine.csi.cluster.NettyDataplaneChannels;
import io.peregrine.csi.cluster.TlsMaterial;
import io.peregrine.csi.controller.ControllerService;
import io.peregrine.csi.controller.DataplaneReadiness;
import io.peregrine.csi.controller.LocalNodeDirectory;
import io.peregrine.csi.controller.NodeDirectory;
import io.peregrine.csi.dataplane.DataplaneClient;
import io.peregrine.csi.dataplane.ReconnectPromptly;
import io.peregrine.csi.host.BlockDevices;
import io.peregrine.csi.host.Filesystems;
import io.peregrine.csi.host.MountTable;
import io.peregrine.csi.host.Mounter;
import io.peregrine.csi.host.ProcessCommands;
import io.peregrine.csi.identity.IdentityService;
import io.peregrine.csi.identity.Readiness;
import io.peregrine.csi.node.NodeConfig;
import io.peregrine.csi.node.NodeReadiness;
import io.peregrine.csi.node.NodeService;
import io.peregrine.csi.nvme.HostIdentity;
import io.peregrine.csi.nvme.NvmeCli;
import io.peregrine.csi.nvme.NvmeSysfs;
import io.peregrine.csi.server.CsiServer;
import io.peregrine.csi.server.Endpoint;
import io.peregrine.csi.server.EpollTransport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The assembled plugin: the services the options ask for, on their sockets. Used by the
 * {@code csi} command and by anything that embeds the plugin (the node daemon's local mode).
 */
public final class CsiPlugin implements AutoCloseable {

    private static final Duration CALL_DEADLINE = Duration.ofSeconds(30);
    private static final Duration COPY_DEADLINE = Duration.ofMinutes(30);

    private final EpollTransport transport;
    private final List<CsiServer> servers;
    private final List<AutoCloseable> resources;

    private CsiPlugin(EpollTransport transport, List<CsiServer> servers, List<AutoCloseable> resources) {
        this.transport = transport;
        this.servers = servers;
        this.resources = resources;
    }

    public static CsiPlugin start(CsiOptions options) {
        return start(options, () -> new KubernetesClientBuilder().build());
    }

    /**
     * @param kubernetes the API client for {@code --node-directory kubernetes} (in-cluster
     *     configuration or the kubeconfig by default); the plugin closes it
     */
    public static CsiPlugin start(CsiOptions options, Supplier<KubernetesClient> kubernetes) {
        EpollTransport transport = new EpollTransport();
        List<CsiServer> servers = new ArrayList<>();
        List<AutoCloseable> resources = new ArrayList<>(); // closed in reverse order
        try {
            boolean controller = options.roles().contains(CsiOptions.Role.CONTROLLER);
            boolean node = options.roles().contains(CsiOptions.Role.NODE);
            boolean local = options.nodeDirectory() == CsiOptions.Directory.LOCAL;
            // a cluster controller has no NVMe host of its own: it reads consumers' NQNs from StorageNodes
            Optional<HostIdentity> host = node || local
                    ? Optional.of(HostIdentity.load(options.hostNqn(), options.nvmeDir()))
                    : Optional.empty();
            Optional<ControllerService> controllerService = Optional.empty();
            List<Readiness.Check> controllerChecks = new ArrayList<>();
            if (controller) {
                NodeDirectory directory;
                if (local) {
                    directory = localDirectory(options, transport, host.orElseThrow(), resources);
                    controllerChecks.add(new DataplaneReadiness(directory));
                } else {
                    KubernetesNodeDirectory cluster = clusterDirectory(options, transport, kubernetes, resources);
                    controllerChecks.add(cluster::readiness);
                    directory = cluster;
                }
                controllerService = Optional.of(new ControllerService(directory));
            }
            Optional<NodeService> nodeService = Optional.empty();
            List<Readiness.Check> nodeChecks = new ArrayList<>();
            if (node) {
                nodeService = Optional.of(nodeService(options, host.orElseThrow()));
                nodeChecks.add(new NodeReadiness(Path.of("/dev")));
            }
            if (options.command() == CsiOptions.Command.LOCAL) {
                servers.add(CsiServer.start(
                        transport,
                        new Endpoint(options.socketDir().resolve("controller.sock")),
                        List.of(new IdentityService(controllerChecks), controllerService.orElseThrow())));
                servers.add(CsiServer.start(
                        transport,
                        new Endpoint(options.socketDir().resolve("node.sock")),
                        List.of(new IdentityService(nodeChecks), nodeService.orElseThrow())));
            } else {
                List<Readiness.Check> checks = new ArrayList<>(controllerChecks);
                checks.addAll(nodeChecks);
                List<BindableService> services = new ArrayList<>(List.of(new IdentityService(checks)));
                controllerService.ifPresent(services::add);
                nodeService.ifPresent(services::add);
                servers.add(CsiServer.start(transport, options.endpoint().orElseThrow(), services));
            }
            return new CsiPlugin(transport, servers, resources);
        } catch (RuntimeException e) {
            servers.forEach(CsiServer::close);
            closeAll(resources);
            transport.close();
            throw e;
        }
    }

    private static NodeDirectory localDirectory(
            CsiOptions options, EpollTransport transport, HostIdentity host, List<AutoCloseable> resources) {
        Path socket = options.dataplane().orElseThrow().socket();
        ManagedChannel channel = transport.channelTo(socket);
        resources.add(() -> {
            channel.shutdown();
            channel.awaitTermination(2, TimeUnit.SECONDS);
        });
        DataplaneClient dataplane =
                new DataplaneClient(options.nodeId(), ReconnectPromptly.wrap(channel), CALL_DEADLINE, COPY_DEADLINE);
        return new LocalNodeDirectory(options.nodeId(), dataplane, host.hostNqn());
    }

    /** StorageNode objects through the in-cluster (or kubeconfig) API client; mutual TLS to dataplanes. */
    private static KubernetesNodeDirectory clusterDirectory(
            CsiOptions options,
            EpollTransport transport,
            Supplier<KubernetesClient> kubernetes,
            List<AutoCloseable> resources) {
        TlsMaterial tls;
        try {
            tls = new TlsMaterial(options.tls().orElseThrow());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        ChannelCache channels = new ChannelCache(
                new NettyDataplaneChannels(Optional.of(tls), transport),
                tls.files().serverName(),
                CALL_DEADLINE,
                COPY_DEADLINE);
        resources.add(channels);
        KubernetesClient client = kubernetes.get();
        resources.add(client);
        KubernetesNodeDirectory directory = KubernetesNodeDirectory.start(client, channels, Duration.ofSeconds(60));
        resources.add(directory);
        return directory;
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable r : resources.reversed()) {
            try {
                r.close();
            } catch (Exception e) {
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                System.getLogger(CsiPlugin.class.getName())
                        .log(System.Logger.Level.WARNING, "closing " + r + ": " + e.getMessage());
            }
        }
    }

    private static NodeService nodeService(CsiOptions options, HostIdentity host) {
        ProcessCommands commands = new ProcessCommands();
        MountTable table = MountTable.system();
        NodeConfig config = new NodeConfig(
                options.nodeId(),
                options.maxVolumesPerNode(),
                options.deviceWait(),
                Duration.ofSeconds(30),
                Duration.ofMillis(100));
        return new NodeService(
                config,
                new NvmeCli(
                        commands,
                        new NvmeCli.ConnectOptions(options.ctrlLossTmoSeconds(), options.reconnectDelaySeconds(), 5),
                        Duration.ofSeconds(30)),
                NvmeSysfs.system(),
                host,
                new Mounter(commands, table, Duration.ofSeconds(60), options.unmountTimeout()),
                new Filesystems(commands, Duration.ofSeconds(30), Duration.ofMinutes(10)),
                new BlockDevices(commands, Duration.ofSeconds(30)));
    }

    public List<Endpoint> endpoints() {
        return servers.stream().map(CsiServer::endpoint).toList();
    }

    public void awaitTermination() throws InterruptedException {
        for (CsiServer server : servers) server.awaitTermination();
    }

    @Override
    public void close() {
        servers.forEach(CsiServer::close);
        closeAll(resources);
        transport.close();
    }
}
