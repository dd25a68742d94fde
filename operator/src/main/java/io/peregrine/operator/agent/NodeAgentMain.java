package io.peregrine.operator.agent;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.grpc.ManagedChannel;
import io.peregrine.dataplane.api.v1.NodeServiceGrpc;
import io.peregrine.operator.Args;
import io.peregrine.operator.Args.ArgsException;
import io.peregrine.operator.Logging;
import io.peregrine.operator.dataplane.DataplaneConfigException;
import io.peregrine.operator.dataplane.ManagementEndpoint;
import io.peregrine.operator.dataplane.NettyChannelFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./peregrine node-agent}: registers this node's dataplane as a StorageNode and heartbeats
 * its Lease while the dataplane answers.
 */
public final class NodeAgentMain {

    static final String USAGE = """
            usage: ./peregrine node-agent --node NAME --advertise ENDPOINT [OPTION]...

            Asks the local dataplane what it is (NodeInfo, Health) and publishes it as the
            StorageNode NAME; renews the Lease peregrine-node-NAME while the dataplane answers.

              --node NAME            the Kubernetes node name (default: $NODE_NAME)
              --advertise ENDPOINT   the management endpoint other components use: host:port (mutual
                                     TLS) or unix:///path (default: $PEREGRINE_ADVERTISE)
              --dataplane ENDPOINT   where this agent reaches the dataplane
                                     (default: $PEREGRINE_DATAPLANE, else unix:///run/peregrine/api.sock)
              --namespace NS         where node leases live, the operator's namespace
                                     (default: $POD_NAMESPACE, else the kubeconfig's namespace)
              --lease-duration D     how long a renewal keeps the node Online (default 40s)
              --renew-interval D     how often to heartbeat (default: a third of the lease duration)
              --status-interval D    rewrite status at least this often (default 5m)
            """ + Args.TLS_USAGE;

    private NodeAgentMain() {}

    public static void main(String[] argv) throws InterruptedException {
        Logging.configure();
        Set<String> options = new HashSet<>(Set.of(
                "node", "advertise", "dataplane", "namespace", "lease-duration", "renew-interval", "status-interval"));
        options.addAll(Args.TLS_OPTIONS);
        try {
            Args args = new Args(List.of(argv), options, System.getenv());
            if (args.help()) {
                System.out.print(USAGE);
                return;
            }
            run(args);
        } catch (ArgsException | DataplaneConfigException e) {
            System.err.println("peregrine node-agent: " + e.getMessage() + " (see --help)");
            System.exit(2);
        } catch (IllegalArgumentException e) {
            System.err.println("peregrine node-agent: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void run(Args args) throws InterruptedException {
        String node = args.required("node", "NODE_NAME");
        String advertise = args.required("advertise", "PEREGRINE_ADVERTISE");
        ManagementEndpoint.parse(advertise); // fail now, not in every reader of the StorageNode
        ManagementEndpoint dataplane = ManagementEndpoint.parse(
                args.string("dataplane", "PEREGRINE_DATAPLANE").orElse("unix:///run/peregrine/api.sock"));
        Duration leaseDuration = args.duration("lease-duration", Duration.ofSeconds(40));
        Duration renewInterval = args.duration("renew-interval", leaseDuration.dividedBy(3));
        Duration statusInterval = args.duration("status-interval", Duration.ofMinutes(5));
        if (renewInterval.compareTo(leaseDuration) >= 0) {
            throw new ArgsException("--renew-interval must be shorter than --lease-duration");
        }
        NettyChannelFactory channels = new NettyChannelFactory(args.dataplaneTls());
        ManagedChannel channel = channels.open(dataplane);
        KubernetesClient client = new KubernetesClientBuilder().build();
        String namespace = args.string("namespace", "POD_NAMESPACE")
                .orElse(client.getNamespace() == null ? "peregrine" : client.getNamespace());

        StorageNodeRegistrar registrar =
                new StorageNodeRegistrar(client, namespace, node, leaseDuration, statusInterval, Clock.systemUTC());
        NodeAgent agent = new NodeAgent(registrar, NodeServiceGrpc.newBlockingStub(channel), advertise, renewInterval);
        System.err.printf(
                "peregrine node-agent: node %s, dataplane %s, advertising %s, leases in %s%n",
                node, dataplane, advertise, namespace);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // The lease is left to expire: a restarting agent must not flap a serving node Offline.
            agent.close();
            channel.shutdownNow();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            channels.close();
            client.close();
            stopped.countDown();
        }));
        agent.start();
        stopped.await();
    }
}
