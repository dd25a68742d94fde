package io.peregrine.csi.tools;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.peregrine.csi.CsiOptions;
import io.peregrine.csi.CsiPlugin;
import io.peregrine.csi.server.EpollTransport;
import io.peregrine.csi.testing.TestDataplane;
import io.peregrine.csi.v1.ControllerGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs {@link ProvisionBench} against {@code csi local} (Unix sockets end to end) with the
 * in-memory test dataplane behind it: what the CSI controller itself costs per volume. Once the
 * dataplane daemon exists, run {@code ./peregrine csi-bench} against {@code ./peregrine local}
 * for the whole system. Usage: {@code ProvisionBenchRun [volumes] [json-file]}.
 */
public final class ProvisionBenchRun {

    private ProvisionBenchRun() {}

    public static void main(String[] args) throws Exception {
        int volumes = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        Path dir = Files.createTempDirectory("csi-bench");
        TestDataplane dataplane = new TestDataplane("bench").pool("local", 1L << 40, 4L << 20);
        try (EpollTransport transport = new EpollTransport()) {
            NettyServerBuilder builder = transport.serverOn(dir.resolve("dp.sock"));
            dataplane.services().forEach(builder::addService);
            Server daemon = builder.build().start();
            CsiOptions options = CsiOptions.parse(
                    new String[] {
                        "local",
                        "--dataplane",
                        "unix://" + dir.resolve("dp.sock"),
                        "--socket-dir",
                        dir.resolve("csi").toString(),
                        "--nvme-dir",
                        dir.resolve("nvme").toString(),
                        "--node-id",
                        "bench"
                    },
                    Map.of());
            try (CsiPlugin _ = CsiPlugin.start(options)) {
                ManagedChannel channel = transport.channelTo(dir.resolve("csi/controller.sock"));
                ProvisionBench.Result result =
                        new ProvisionBench(ControllerGrpc.newBlockingStub(channel), "bench", 1L << 30).run(50, volumes);
                ProvisionBench.print(result, System.out);
                if (args.length > 1) Files.writeString(Path.of(args[1]), result.toJson() + "\n");
                channel.shutdownNow();
            } finally {
                daemon.shutdownNow();
            }
        }
    }
}
