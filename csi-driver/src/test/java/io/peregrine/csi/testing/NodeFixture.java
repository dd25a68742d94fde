package io.peregrine.csi.testing;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.peregrine.csi.host.BlockDevices;
import io.peregrine.csi.host.Filesystems;
import io.peregrine.csi.host.MountTable;
import io.peregrine.csi.host.Mounter;
import io.peregrine.csi.identity.IdentityService;
import io.peregrine.csi.node.NodeConfig;
import io.peregrine.csi.node.NodeService;
import io.peregrine.csi.nvme.HostIdentity;
import io.peregrine.csi.nvme.NvmeCli;
import io.peregrine.csi.nvme.NvmeSysfs;
import io.peregrine.csi.server.CallLogger;
import io.peregrine.csi.v1.IdentityGrpc;
import io.peregrine.csi.v1.NodeGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** The production node service on a {@link FakeHost}, served over in-process gRPC. */
public final class NodeFixture implements AutoCloseable {

    public static final HostIdentity HOST = new HostIdentity(
            "nqn.2014-08.org.nvmexpress:uuid:11111111-2222-4333-8444-555555555555",
            java.util.UUID.fromString("11111111-2222-4333-8444-555555555555"));

    private final FakeHost host;
    private final Server server;
    private final ManagedChannel channel;

    public NodeFixture(Path root, String nodeId) {
        this.host = new FakeHost(root.resolve("host"));
        NodeConfig config =
                new NodeConfig(nodeId, 16, Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofMillis(10));
        NodeService node = new NodeService(
                config,
                new NvmeCli(host, new NvmeCli.ConnectOptions(600, 2, 5), Duration.ofSeconds(5)),
                new NvmeSysfs(host.sys(), host.dev()),
                HOST,
                new Mounter(host, new MountTable(host.mountinfo()), Duration.ofSeconds(5), Duration.ofSeconds(5)),
                new Filesystems(host, Duration.ofSeconds(5), Duration.ofSeconds(5)),
                new BlockDevices(host, Duration.ofSeconds(5)));
        String name = InProcessServerBuilder.generateName();
        try {
            server = InProcessServerBuilder.forName(name)
                    .executor(Executors.newVirtualThreadPerTaskExecutor())
                    .intercept(new CallLogger())
                    .addService(node)
                    .addService(new IdentityService(List.of()))
                    .build()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        channel = InProcessChannelBuilder.forName(name).build();
    }

    public FakeHost host() {
        return host;
    }

    public NodeGrpc.NodeBlockingStub node() {
        return NodeGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    public IdentityGrpc.IdentityBlockingStub identity() {
        return IdentityGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.shutdownNow();
    }
}
