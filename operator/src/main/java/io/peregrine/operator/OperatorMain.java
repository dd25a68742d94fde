package io.peregrine.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.peregrine.operator.Args.ArgsException;
import io.peregrine.operator.crd.DiskPool;
import io.peregrine.operator.crd.StorageNode;
import io.peregrine.operator.dataplane.DataplaneConfigException;
import io.peregrine.operator.dataplane.NettyChannelFactory;
import io.peregrine.operator.leader.LeaderElection;
import io.peregrine.operator.observe.HealthServer;
import io.peregrine.operator.observe.OperatorMetrics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** {@code ./peregrine operator}: runs the Peregrine operator against the current kubeconfig (or in-cluster config). */
public final class OperatorMain {

    static final String USAGE = """
            usage: ./peregrine operator [OPTION]...

            Runs the Peregrine operator: StorageNode and DiskPool control loops, leader-elected
            through a Lease so that several replicas can run. Talks to the cluster of the current
            kubeconfig (or the in-cluster service account) and to dataplanes through their
            management API.

              --namespace NS         where the leader lease and node leases live (default:
                                     $POD_NAMESPACE, else the kubeconfig's namespace)
              --identity NAME        this replica in the leader lease (default: $POD_NAME, else the host name)
              --http-address ADDR    probes and metrics listen here (default 0.0.0.0)
              --http-port PORT       /healthz, /readyz and /metrics (default 8080; 0 picks a free port)
              --workers N            reconcile workers per kind (default 8)
              --lease-duration D     leader lease duration (default 15s)
              --renew-deadline D     a leader that cannot renew for this long steps down (default 10s)
              --retry-period D       how often standbys try for the lease (default 2s)
              --node-lease-duration D  assumed for node leases that state none (default 40s)
              --pool-refresh D       how often pool capacity and volume counts are re-read (default 60s)
              --dataplane-timeout D  deadline of each dataplane call (default 60s)
            """ + Args.TLS_USAGE;

    static final Set<String> OPTIONS = options();

    private OperatorMain() {}

    private static Set<String> options() {
        Set<String> s = new HashSet<>(Set.of(
                "namespace",
                "identity",
                "http-address",
                "http-port",
                "workers",
                "lease-duration",
                "renew-deadline",
                "retry-period",
                "node-lease-duration",
                "pool-refresh",
                "dataplane-timeout"));
        s.addAll(Args.TLS_OPTIONS);
        return Set.copyOf(s);
    }

    public static void main(String[] argv) throws Exception {
        Logging.configure();
        Args args;
        try {
            args = new Args(List.of(argv), OPTIONS, System.getenv());
            if (args.help()) {
                System.out.print(USAGE);
                return;
            }
            run(args);
        } catch (ArgsException | DataplaneConfigException e) {
            System.err.println("peregrine operator: " + e.getMessage() + " (see --help)");
            System.exit(2);
        } catch (StartupException e) {
            System.err.println("peregrine operator: " + e.getMessage());
            System.exit(1);
        }
    }

    static OperatorConfig config(Args args, String defaultNamespace, String defaultIdentity) {
        String namespace = args.string("namespace", "POD_NAMESPACE").orElse(defaultNamespace);
        String identity = args.string("identity", "POD_NAME").orElse(defaultIdentity);
        OperatorConfig d = OperatorConfig.defaults(namespace, identity);
        LeaderElection.Timing t = new LeaderElection.Timing(
                args.duration("lease-duration", d.leaderTiming().leaseDuration()),
                args.duration("renew-deadline", d.leaderTiming().renewDeadline()),
                args.duration("retry-period", d.leaderTiming().retryPeriod()));
        if (t.renewDeadline().compareTo(t.leaseDuration()) >= 0
                || t.retryPeriod().multipliedBy(3).compareTo(t.renewDeadline()) >= 0) {
            throw new ArgsException("leader timing needs --retry-period × 3 < --renew-deadline < --lease-duration");
        }
        return d.withLeaderTiming(t)
                .withWorkers(args.integer("workers", d.workers(), 1, 256))
                .withNodeLeaseDuration(args.duration("node-lease-duration", d.nodeLeaseDuration()))
                .withPoolRefresh(args.duration("pool-refresh", d.poolRefresh()))
                .withDataplaneCallTimeout(args.duration("dataplane-timeout", d.dataplaneCallTimeout()));
    }

    private static void run(Args args) throws IOException, InterruptedException {
        KubernetesClient client = new KubernetesClientBuilder().build();
        String kubeNamespace = client.getNamespace();
        OperatorConfig config = config(args, kubeNamespace == null ? "peregrine" : kubeNamespace, hostName());
        int port = args.integer("http-port", 8080, 0, 65535);
        String address = args.string("http-address", null).orElse("0.0.0.0");
        NettyChannelFactory channels = new NettyChannelFactory(args.dataplaneTls());
        checkCrds(client);

        OperatorMetrics metrics = new OperatorMetrics();
        Operator operator = new Operator(client, config, channels, metrics, Clock.systemUTC());
        HealthServer health = new HealthServer(
                new InetSocketAddress(InetAddress.getByName(address), port), metrics, operator::live, operator::ready);
        System.err.printf(
                "peregrine operator %s in namespace %s against %s; probes and metrics on port %d%n",
                config.identity(), config.namespace(), client.getMasterUrl(), health.port());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            operator.close(); // releases the lease: a standby takes over without waiting for expiry
            health.close();
            client.close();
            stopped.countDown();
        }));
        operator.start();
        stopped.await();
    }

    /** The CRDs must be installed before anything else makes sense; say so plainly. */
    private static void checkCrds(KubernetesClient client) {
        for (Class<? extends CustomResource<?, ?>> kind : List.of(StorageNode.class, DiskPool.class)) {
            try {
                client.resources(kind)
                        .list(new ListOptionsBuilder().withLimit(1L).build());
            } catch (KubernetesClientException e) {
                String crd = HasMetadata.getPlural(kind) + "." + HasMetadata.getGroup(kind);
                throw new StartupException(
                        switch (e.getCode()) {
                            case 404 ->
                                "the CRD " + crd + " is not installed; install the Peregrine Helm chart (its crds/)"
                                        + " or kubectl apply -f operator/target/classes/META-INF/fabric8/";
                            case 401, 403 ->
                                "not allowed to list " + crd + " (" + e.getCode() + "); the operator's service"
                                        + " account needs the ClusterRole in the operator README";
                            default ->
                                "cannot reach the Kubernetes API at " + client.getMasterUrl() + " (" + rootCause(e)
                                        + "); point KUBECONFIG at your cluster's kubeconfig, or run inside a pod";
                        });
            }
        }
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "peregrine-operator";
        }
    }

    static final class StartupException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StartupException(String message) {
            super(message);
        }
    }
}
