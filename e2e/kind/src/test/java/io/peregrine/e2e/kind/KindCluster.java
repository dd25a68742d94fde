package io.peregrine.e2e.kind;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A throw-away kind cluster: one control plane and two workers, the host's /dev and /lib/modules
 * inside the nodes (NVMe namespaces the kernel creates must appear in the node plugin's /dev),
 * deleted on close unless PEREGRINE_KIND_KEEP=1.
 */
final class KindCluster implements AutoCloseable {

    private static final String CONFIG = """
            kind: Cluster
            apiVersion: kind.x-k8s.io/v1alpha4
            nodes:
              - role: control-plane
              - role: worker
                extraMounts: &mounts
                  - hostPath: /dev
                    containerPath: /dev
                  - hostPath: /lib/modules
                    containerPath: /lib/modules
                    readOnly: true
              - role: worker
                extraMounts: *mounts
            """;

    private final String name;
    private final Path kubeconfig;
    private final KubernetesClient client;

    private KindCluster(String name, Path kubeconfig) throws IOException {
        this.name = name;
        this.kubeconfig = kubeconfig;
        this.client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
                .build();
    }

    static KindCluster create(String name) throws IOException {
        Path config = Files.createTempFile("kind-", ".yaml");
        Files.writeString(config, CONFIG);
        Path kubeconfig = Files.createTempFile("kubeconfig-", ".yaml");
        Commands.check(
                Duration.ofMinutes(5),
                "kind",
                "create",
                "cluster",
                "--name",
                name,
                "--config",
                config.toString(),
                "--kubeconfig",
                kubeconfig.toString(),
                "--wait",
                "120s");
        return new KindCluster(name, kubeconfig);
    }

    void loadImageArchive(Path archive) {
        Commands.check(Duration.ofMinutes(5), "kind", "load", "image-archive", archive.toString(), "--name", name);
    }

    String kubectl(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        return Commands.check(Duration.ofMinutes(3), command.toArray(String[]::new));
    }

    KubernetesClient client() {
        return client;
    }

    Path kubeconfig() {
        return kubeconfig;
    }

    @Override
    public void close() throws IOException {
        client.close();
        if (!"1".equals(System.getenv("PEREGRINE_KIND_KEEP"))) {
            Commands.run(Duration.ofMinutes(3), List.of("kind", "delete", "cluster", "--name", name));
            Files.deleteIfExists(kubeconfig);
        } else {
            System.out.println("kept kind cluster " + name + "; kubeconfig " + kubeconfig);
        }
    }
}
