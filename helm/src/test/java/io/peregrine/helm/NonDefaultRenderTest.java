package io.peregrine.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chart with every option switched on, and values that turn parts off. */
class NonDefaultRenderTest {

    private static final RenderedChart ON = RenderedChart.render(NonDefaultValues.EVERYTHING_ON);

    @Test
    void optionalObjectsAppear() {
        assertEquals(1, ON.ofKind("ServiceMonitor").size());
        assertEquals(1, ON.ofKind("PodMonitor").size());
        assertEquals(1, ON.ofKind("VolumeSnapshotClass").size());
        assertEquals(
                List.of("fast-a", "files-b"),
                ON.ofKind("DiskPool").stream()
                        .map(o -> o.getMetadata().getName())
                        .sorted()
                        .toList());
        GenericKubernetesResource pool = (GenericKubernetesResource) ON.ofKind("DiskPool").stream()
                .filter(p -> p.getMetadata().getName().equals("fast-a"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                Map.of("node", "worker-a", "disks", List.of("pcie://0000:00:04.0"), "clusterSize", "4Mi"),
                pool.getAdditionalProperties().get("spec"));
        assertEquals("keep", pool.getMetadata().getAnnotations().get("helm.sh/resource-policy"));
    }

    @Test
    void certManagerReplacesTheGeneratedSecrets() {
        assertTrue(ON.all(Secret.class).isEmpty(), "cert-manager writes the Secrets");
        List<HasMetadata> certificates = ON.ofKind("Certificate");
        assertEquals(3, certificates.size(), "CA, server, client");
        GenericKubernetesResource server = (GenericKubernetesResource) certificates.stream()
                .filter(c -> c.getMetadata().getName().equals("peregrine-server"))
                .findFirst()
                .orElseThrow();
        @SuppressWarnings("unchecked")
        Map<String, Object> spec =
                (Map<String, Object>) server.getAdditionalProperties().get("spec");
        assertEquals("peregrine-dataplane-tls", spec.get("secretName"));
        assertEquals(List.of("peregrine-dataplane"), spec.get("dnsNames"));
        assertEquals("PKCS8", ((Map<?, ?>) spec.get("privateKey")).get("encoding"));
    }

    @Test
    void valuesReachTheWorkloads() {
        Container dataplane = ON.containers().get("DaemonSet/peregrine-dataplane/dataplane");
        assertEquals("registry.example/storage/peregrine:0.1.0-rc1", dataplane.getImage());
        assertEquals("3", dataplane.getResources().getLimits().get("cpu").toString(), "the length of 2-3,6");
        assertEquals(
                "2048Mi",
                dataplane.getResources().getLimits().get("hugepages-2Mi").toString());
        assertFalse(Boolean.TRUE.equals(dataplane.getSecurityContext().getPrivileged()));
        assertTrue(dataplane.getSecurityContext().getCapabilities().getAdd().contains("IPC_LOCK"));
        String config = ON.one(ConfigMap.class, "peregrine-dataplane").getData().get("dataplane.yaml");
        assertTrue(config.contains("cores: 2-3,6"), config);
        assertTrue(config.contains("spinMicros: 50"), config);
        assertTrue(config.contains("hugepages: 2048"), config);

        Container registrar = ON.containers().get("DaemonSet/peregrine-node/node-driver-registrar");
        assertTrue(registrar
                .getArgs()
                .contains("--kubelet-registration-path=/var/lib/k0s/kubelet/plugins/csi.peregrine.io/csi.sock"));
        assertTrue(ON.containers()
                .get("Deployment/peregrine-controller/csi-plugin")
                .getArgs()
                .contains("--max-volumes-per-node=64"));

        StorageClass fast = ON.one(StorageClass.class, "fast");
        assertEquals("true", fast.getMetadata().getAnnotations().get("storageclass.kubernetes.io/is-default-class"));
        assertEquals("fast-a", fast.getParameters().get("pool"));
        assertEquals("storage", fast.getMetadata().getLabels().get("cost-center"));
    }

    @Test
    void valuesFileWithAnIssuerOfTheUsersOwn() throws Exception {
        Path values = Path.of(
                NonDefaultRenderTest.class.getResource("/everything-on.yaml").toURI());
        RenderedChart chart = RenderedChart.renderWithValuesFile(values);
        assertTrue(chart.ofKind("Issuer").isEmpty(), "the ClusterIssuer given signs: no Issuer of the chart's own");
        assertEquals(2, chart.ofKind("Certificate").size());
        GenericKubernetesResource files = (GenericKubernetesResource) chart.ofKind("DiskPool").stream()
                .filter(p -> p.getMetadata().getName().equals("files-b"))
                .findFirst()
                .orElseThrow();
        assertEquals("Export", ((Map<?, ?>) files.getAdditionalProperties().get("spec")).get("deletionPolicy"));
    }

    @Test
    void existingSecretsAreUsedAndNamedWhenMissing() {
        Exception missing = assertThrows(Exception.class, () -> RenderedChart.render(Map.of("tls.mode", "existing")));
        assertTrue(missing.getMessage().contains("/tls/existing/serverSecret"), missing::getMessage);

        RenderedChart chart = RenderedChart.render(Map.of(
                "tls.mode",
                "existing",
                "tls.existing.serverSecret",
                "my-server",
                "tls.existing.clientSecret",
                "my-client"));
        assertTrue(chart.all(Secret.class).isEmpty());
        assertEquals(
                "my-server",
                chart.podSpecs().get("DaemonSet/peregrine-dataplane").getVolumes().stream()
                        .filter(v -> v.getName().equals("tls"))
                        .findFirst()
                        .orElseThrow()
                        .getSecret()
                        .getSecretName());
        for (String client : List.of("Deployment/peregrine-controller", "Deployment/peregrine-operator")) {
            assertEquals(
                    "my-client",
                    chart.podSpecs().get(client).getVolumes().stream()
                            .filter(v -> v.getName().equals("tls"))
                            .findFirst()
                            .orElseThrow()
                            .getSecret()
                            .getSecretName(),
                    client);
        }
    }

    @Test
    void withoutHugepagesNoHugepageResourceOrMount() {
        RenderedChart chart =
                RenderedChart.render(Map.of("dataplane.hugepagesMi", 0, "grafanaDashboard.enabled", false));
        Container dataplane = chart.containers().get("DaemonSet/peregrine-dataplane/dataplane");
        assertFalse(dataplane.getResources().getLimits().containsKey("hugepages-2Mi"));
        assertTrue(dataplane.getVolumeMounts().stream()
                .noneMatch(m -> m.getMountPath().equals("/dev/hugepages")));
        assertTrue(chart.find(ConfigMap.class, "peregrine-dashboard").isEmpty());
    }
}
