package io.peregrine.csi;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.peregrine.csi.controller.ControllerService;
import io.peregrine.csi.controller.DataplaneReadiness;
import io.peregrine.csi.controller.LocalNodeDirectory;
import io.peregrine.csi.controller.NodeDirectory;
import io.peregrine.csi.dataplane.DataplaneClient;
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

/**
 * The assembled plugin: the services the options ask for, on their sockets. Used by the
 * {@code csi} command and by anything that embeds the plugin (the node daemon's local mode).
 */
public final class CsiPlugin implements AutoCloseable {

    private final EpollTransport transport;
    private final List<CsiServer> servers;
    private final Optional<ManagedChannel> dataplaneChannel;

    private CsiPlugin(EpollTransport transport, List<CsiServer> servers, Optional<ManagedChannel> dataplaneChannel) {
        this.transport = transport;
        this.servers = servers;
        this.dataplaneChannel = dataplaneChannel;
    }

    public static CsiPlugin start(CsiOptions options) {
        EpollTransport transport = new EpollTransport();
        List<CsiServer> servers = new ArrayList<>();
        Optional<ManagedChannel> channel = Optional.empty();
        try {
            boolean controller = options.roles().contains(CsiOptions.Role.CONTROLLER);
            boolean node = options.roles().contains(CsiOptions.Role.NODE);
            HostIdentity host = HostIdentity.load(options.hostNqn(), options.nvmeDir());
            Optional<ControllerService> controllerService = Optional.empty();
            List<Readiness.Check> controllerChecks = new ArrayList<>();
            if (controller) {
                Path socket = options.dataplane().orElseThrow().socket();
                channel = Optional.of(transport.channelTo(socket));
                DataplaneClient dataplane = new DataplaneClient(
                        options.nodeId(), channel.get(), Duration.ofSeconds(30), Duration.ofMinutes(30));
                NodeDirectory directory = new LocalNodeDirectory(options.nodeId(), dataplane, host.hostNqn());
                controllerService = Optional.of(new ControllerService(directory));
                controllerChecks.add(new DataplaneReadiness(directory));
            }
            Optional<NodeService> nodeService = Optional.empty();
            List<Readiness.Check> nodeChecks = new ArrayList<>();
            if (node) {
                nodeService = Optional.of(nodeService(options, host));
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
            return new CsiPlugin(transport, servers, channel);
        } catch (RuntimeException e) {
            servers.forEach(CsiServer::close);
            channel.ifPresent(ManagedChannel::shutdownNow);
            transport.close();
            throw e;
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
        dataplaneChannel.ifPresent(c -> {
            c.shutdown();
            try {
                c.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        transport.close();
    }
}
