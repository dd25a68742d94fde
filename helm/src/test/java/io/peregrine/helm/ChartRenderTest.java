package io.peregrine.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.storage.CSIDriver;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code helm template} produces with the default values: every object the issue lists. */
class ChartRenderTest {

    private static final RenderedChart DEFAULTS = RenderedChart.render(Map.of());

    @Test
    void rendersEveryComponent() {
        CSIDriver driver = DEFAULTS.one(CSIDriver.class, "csi.peregrine.io");
        assertTrue(driver.getSpec().getAttachRequired());
        assertTrue(driver.getSpec().getStorageCapacity());
        assertEquals(List.of("Persistent"), driver.getSpec().getVolumeLifecycleModes());

        Deployment controller = DEFAULTS.one(Deployment.class, "peregrine-controller");
        assertEquals(
                List.of(
                        "csi-plugin",
                        "csi-provisioner",
                        "csi-attacher",
                        "csi-resizer",
                        "csi-snapshotter",
                        "liveness-probe"),
                controller.getSpec().getTemplate().getSpec().getContainers().stream()
                        .map(c -> c.getName())
                        .toList());
        DaemonSet node = DEFAULTS.one(DaemonSet.class, "peregrine-node");
        assertEquals(
                List.of("csi-plugin", "node-driver-registrar", "liveness-probe"),
                node.getSpec().getTemplate().getSpec().getContainers().stream()
                        .map(c -> c.getName())
                        .toList());
        DaemonSet dataplane = DEFAULTS.one(DaemonSet.class, "peregrine-dataplane");
        assertEquals(
                List.of("dataplane", "node-agent"),
                dataplane.getSpec().getTemplate().getSpec().getContainers().stream()
                        .map(c -> c.getName())
                        .toList());
        DEFAULTS.one(Deployment.class, "peregrine-operator");
        DEFAULTS.one(ConfigMap.class, "peregrine-dashboard");
        DEFAULTS.one(ConfigMap.class, "peregrine-dataplane");
        DEFAULTS.one(Secret.class, "peregrine-dataplane-tls");
        DEFAULTS.one(Secret.class, "peregrine-client-tls");
        assertEquals(4, DEFAULTS.all(ServiceAccount.class).size());
    }

    @Test
    void sidecarsAreTheVersionsTheIssueNames() {
        Map<String, String> images = new java.util.TreeMap<>();
        DEFAULTS.containers().values().forEach(c -> images.put(c.getImage().replaceAll(".*/", ""), c.getImage()));
        for (String expected : List.of(
                "csi-provisioner:v6.3.0",
                "csi-attacher:v4.12.0",
                "csi-resizer:v2.2.1",
                "csi-snapshotter:v8.6.0",
                "livenessprobe:v2.19.0",
                "csi-node-driver-registrar:v2.17.0",
                "peregrine:0.1.0")) {
            assertTrue(images.containsKey(expected), () -> expected + " not among " + images.keySet());
        }
    }

    @Test
    void storageClassesAndNoSnapshotClassWithoutTheSnapshotApi() {
        List<StorageClass> classes = DEFAULTS.all(StorageClass.class);
        assertEquals(
                List.of("peregrine", "peregrine-xfs"),
                classes.stream().map(s -> s.getMetadata().getName()).toList());
        for (StorageClass sc : classes) {
            assertEquals("csi.peregrine.io", sc.getProvisioner());
            assertEquals("WaitForFirstConsumer", sc.getVolumeBindingMode());
            assertTrue(sc.getAllowVolumeExpansion());
        }
        assertEquals("xfs", classes.get(1).getParameters().get("fsType"));
        // helm template knows no snapshot.storage.k8s.io API: create=auto leaves the class out
        assertTrue(DEFAULTS.ofKind("VolumeSnapshotClass").isEmpty());
    }

    @Test
    void optionalObjectsAreOffByDefault() {
        for (HasMetadata o : DEFAULTS.objects()) {
            assertFalse(
                    o.getApiVersion().startsWith("monitoring.coreos.com")
                            || o.getApiVersion().startsWith("cert-manager.io"),
                    () -> o.getKind() + " " + o.getMetadata().getName() + " rendered by default");
        }
        assertTrue(DEFAULTS.ofKind("DiskPool").isEmpty());
        assertTrue(DEFAULTS.all(GenericKubernetesResource.class).isEmpty(), "every default object has a Fabric8 type");
    }

    @Test
    void grafanaDashboardIsValidJsonOverPeregrineSeries() throws Exception {
        ConfigMap dashboard = DEFAULTS.one(ConfigMap.class, "peregrine-dashboard");
        assertEquals("1", dashboard.getMetadata().getLabels().get("grafana_dashboard"));
        JsonNode json = new ObjectMapper().readTree(dashboard.getData().get("peregrine.json"));
        assertEquals("peregrine-overview", json.get("uid").asText());
        List<String> expressions = json.get("panels").findValues("expr").stream()
                .map(JsonNode::asText)
                .toList();
        assertTrue(expressions.size() >= 15, expressions::toString);
        for (String expr : expressions) {
            assertTrue(expr.contains("peregrine_") || expr.contains("csi_sidecar_"), expr);
        }
    }

    @Test
    void operatorIsLeaderElectedWithSeveralReplicas() {
        Deployment operator = DEFAULTS.one(Deployment.class, "peregrine-operator");
        assertEquals(2, operator.getSpec().getReplicas());
        List<String> args = operator.getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst()
                .getArgs();
        assertTrue(args.contains("--identity=$(POD_NAME)"), args::toString);
        assertTrue(args.contains("--lease-duration=15s"), args::toString);
    }
}
