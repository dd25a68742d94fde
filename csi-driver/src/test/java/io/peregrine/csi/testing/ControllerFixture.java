package io.peregrine.csi.testing;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.peregrine.csi.controller.ControllerService;
import io.peregrine.csi.controller.DataplaneReadiness;
import io.peregrine.csi.controller.LocalNodeDirectory;
import io.peregrine.csi.controller.NodeDirectory;
import io.peregrine.csi.controller.StorageNode;
import io.peregrine.csi.dataplane.DataplaneClient;
import io.peregrine.csi.identity.IdentityService;
import io.peregrine.csi.server.CallLogger;
import io.peregrine.csi.v1.ControllerGrpc;
import io.peregrine.csi.v1.IdentityGrpc;
import io.peregrine.csi.volume.TargetAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The controller service over in-process gRPC, talking to {@link TestDataplane}s over
 * in-process gRPC too: the same stubs, status codes and serialization as over sockets, in
 * milliseconds.
 */
public final class ControllerFixture implements AutoCloseable {

    public static final String LOCAL_HOST_NQN = "nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-000000000001";

    private final List<Server> servers = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final ControllerGrpc.ControllerBlockingStub controller;
    private final IdentityGrpc.IdentityBlockingStub identity;
    private final NodeDirectory directory;

    private ControllerFixture(Map<String, TestDataplane> dataplanes, Map<String, String> hostNqns, boolean local) {
        Map<String, DataplaneClient> clients = new LinkedHashMap<>();
        for (TestDataplane dp : dataplanes.values()) {
            String name = InProcessServerBuilder.generateName();
            var builder = InProcessServerBuilder.forName(name).directExecutor();
            dp.services().forEach(builder::addService);
            servers.add(start(builder));
            ManagedChannel channel =
                    InProcessChannelBuilder.forName(name).directExecutor().build();
            channels.add(channel);
            clients.put(
                    dp.nodeName(),
                    new DataplaneClient(dp.nodeName(), channel, Duration.ofSeconds(30), Duration.ofSeconds(60)));
        }
        if (local) {
            String node = dataplanes.keySet().iterator().next();
            directory = new LocalNodeDirectory(node, clients.get(node), hostNqns.get(node));
        } else {
            List<StorageNode> nodes = new ArrayList<>();
            clients.forEach((node, client) -> nodes.add(StorageNode.withTargets(
                    node, client, List.of(TargetAddress.tcp("10.0.0." + (nodes.size() + 1), 4420)))));
            directory = new TestDirectory(nodes, hostNqns);
        }
        String name = InProcessServerBuilder.generateName();
        servers.add(start(InProcessServerBuilder.forName(name)
                .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
                .intercept(new CallLogger())
                .addService(new ControllerService(directory))
                .addService(new IdentityService(List.of(new DataplaneReadiness(directory))))));
        ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
        channels.add(channel);
        controller = ControllerGrpc.newBlockingStub(channel);
        identity = IdentityGrpc.newBlockingStub(channel);
    }

    /** Local mode: one node, the production {@link LocalNodeDirectory}. */
    public static ControllerFixture local(TestDataplane dataplane) {
        return new ControllerFixture(
                Map.of(dataplane.nodeName(), dataplane), Map.of(dataplane.nodeName(), LOCAL_HOST_NQN), true);
    }

    /** Several storage nodes and the consumers' host NQNs (node id to NQN). */
    public static ControllerFixture cluster(List<TestDataplane> dataplanes, Map<String, String> hostNqns) {
        Map<String, TestDataplane> byName = new LinkedHashMap<>();
        dataplanes.forEach(dp -> byName.put(dp.nodeName(), dp));
        return new ControllerFixture(byName, hostNqns, false);
    }

    public ControllerGrpc.ControllerBlockingStub controller() {
        return controller.withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    public IdentityGrpc.IdentityBlockingStub identity() {
        return identity.withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    public NodeDirectory directory() {
        return directory;
    }

    private static Server start(InProcessServerBuilder builder) {
        try {
            return builder.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdownNow);
        servers.forEach(Server::shutdownNow);
    }
}
