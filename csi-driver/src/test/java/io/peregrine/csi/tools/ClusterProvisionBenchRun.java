package io.peregrine.csi.tools;

import static io.peregrine.csi.testing.MockApiServer.storageNode;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.peregrine.csi.CsiOptions;
import io.peregrine.csi.CsiPlugin;
import io.peregrine.csi.server.EpollTransport;
import io.peregrine.csi.testing.MockApiServer;
import io.peregrine.csi.testing.TestDataplane;
import io.peregrine.csi.testing.TestPki;
import io.peregrine.csi.testing.TlsDataplaneServer;
import io.peregrine.csi.v1.ControllerGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link ProvisionBench} against the controller in cluster mode: StorageNode objects in a mock
 * API server, three in-memory test dataplanes behind mutual-TLS TCP ports, the controller on a
 * Unix socket. Against {@link ProvisionBenchRun} (local mode) it shows what the node directory
 * and TLS channels add per volume. Usage: {@code ClusterProvisionBenchRun [volumes] [json-file] [rtt-ms]}; {@code rtt-ms} delays every
 * dataplane call, standing in for the network between the controller and other machines.
 */
public final class ClusterProvisionBenchRun {

    private ClusterProvisionBenchRun() {}

    public static void main(String[] args) throws Exception {
        int volumes = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        Duration rtt = Duration.ofMillis(args.length > 2 ? Long.parseLong(args[2]) : 0);
        Path dir = Files.createTempDirectory("csi-cluster-bench");
        TestPki pki = new TestPki(dir, "bench");
        TestPki.Leaf dataplaneCert = pki.issue("dataplane", "peregrine-dataplane");
        TestPki.Leaf controllerCert = pki.issue("controller", "peregrine-csi-controller");
        List<Server> servers = new ArrayList<>();
        try (MockApiServer api = new MockApiServer();
                EpollTransport transport = new EpollTransport()) {
            for (int i = 1; i <= 3; i++) {
                Server server = TlsDataplaneServer.start(
                        new TestDataplane("n" + i).pool("fast", 1L << 40, 4L << 20), pki, dataplaneCert, rtt);
                servers.add(server);
                api.put(storageNode(
                        "n" + i,
                        "nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-00000000000" + i,
                        "127.0.0.1:" + server.getPort(),
                        "Online",
                        "True",
                        "10.0.1." + i));
            }
            CsiOptions options = CsiOptions.parse(
                    new String[] {
                        "--mode=controller",
                        "--endpoint=unix://" + dir.resolve("controller.sock"),
                        "--node-directory=kubernetes",
                        "--tls-cert=" + controllerCert.certificate(),
                        "--tls-key=" + controllerCert.key(),
                        "--tls-ca=" + pki.caFile()
                    },
                    Map.of("KUBE_NODE_NAME", "controller"));
            try (CsiPlugin _ = CsiPlugin.start(options, api::newClient)) {
                ManagedChannel channel = transport.channelTo(dir.resolve("controller.sock"));
                ProvisionBench.Result result =
                        new ProvisionBench(ControllerGrpc.newBlockingStub(channel), "n1", 1L << 30).run(50, volumes);
                ProvisionBench.print(result, System.out);
                if (args.length > 1) Files.writeString(Path.of(args[1]), result.toJson() + "\n");
                channel.shutdownNow();
            }
        } finally {
            for (Server s : servers) s.shutdownNow();
        }
    }
}
