package io.peregrine.csi.testing;

import static io.peregrine.csi.testing.MockApiServer.storageNode;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.peregrine.csi.cluster.ChannelCache;
import io.peregrine.csi.cluster.DataplaneChannels;
import io.peregrine.csi.cluster.KubernetesNodeDirectory;
import io.peregrine.csi.controller.ControllerService;
import io.peregrine.csi.server.CallLogger;
import io.peregrine.csi.v1.ControllerGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The controller in cluster mode, in one JVM: StorageNode objects in the mock API server, the
 * production {@link KubernetesNodeDirectory} and {@link ChannelCache}, test dataplanes behind
 * in-process channels named by their management endpoints.
 */
public final class ClusterFixture implements AutoCloseable {

    private final MockApiServer api = new MockApiServer();
    private final List<Server> servers = new ArrayList<>();
    private final Map<String, String> inProcessNames = new HashMap<>();
    private final ChannelCache channels;
    private final KubernetesNodeDirectory directory;
    private final ManagedChannel channel;

    /** Each dataplane becomes an Online, Ready StorageNode named after it with a host NQN. */
    public ClusterFixture(List<TestDataplane> dataplanes) {
        int i = 1;
        for (TestDataplane dp : dataplanes) {
            String endpoint = "10.0.0." + i + ":9443";
            String name = InProcessServerBuilder.generateName();
            var builder = InProcessServerBuilder.forName(name).directExecutor();
            dp.services().forEach(builder::addService);
            servers.add(start(builder));
            inProcessNames.put(endpoint, name);
            api.put(storageNode(dp.nodeName(), hostNqn(i), endpoint, "Online", "True", "10.0.1." + i));
            i++;
        }
        DataplaneChannels inProcess = endpoint -> {
            String name = inProcessNames.get(endpoint.toString());
            if (name == null) throw new IllegalArgumentException("no dataplane at " + endpoint);
            return InProcessChannelBuilder.forName(name).directExecutor().build();
        };
        channels = new ChannelCache(inProcess, "peregrine-dataplane", Duration.ofSeconds(30), Duration.ofSeconds(60));
        directory = KubernetesNodeDirectory.start(api.newClient(), channels, Duration.ofSeconds(30));
        String name = InProcessServerBuilder.generateName();
        servers.add(start(InProcessServerBuilder.forName(name)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .intercept(new CallLogger())
                .addService(new ControllerService(directory))));
        channel = InProcessChannelBuilder.forName(name).build();
    }

    /** The host NQN of the i-th node (from 1). */
    public static String hostNqn(int i) {
        return "nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-%012d".formatted(i);
    }

    public ControllerGrpc.ControllerBlockingStub controller() {
        return ControllerGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    public MockApiServer api() {
        return api;
    }

    public KubernetesNodeDirectory directory() {
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
        channel.shutdownNow();
        directory.close();
        channels.close();
        servers.forEach(Server::shutdownNow);
        api.close();
    }
}
