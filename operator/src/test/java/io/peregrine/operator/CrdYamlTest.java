package io.peregrine.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The CRD YAML the build generates and the Helm chart ships: the API users and the CSI driver rely on. */
class CrdYamlTest {

    private static CustomResourceDefinition load(String file) throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("target/classes/META-INF/fabric8", file))) {
            return new KubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
        }
    }

    private static CustomResourceDefinitionVersion only(CustomResourceDefinition crd) {
        assertEquals(1, crd.getSpec().getVersions().size());
        CustomResourceDefinitionVersion v = crd.getSpec().getVersions().getFirst();
        assertEquals("v1alpha1", v.getName());
        assertTrue(v.getServed() && v.getStorage());
        assertTrue(v.getSubresources().getStatus() != null, "status is a subresource");
        return v;
    }

    private static List<String> columns(CustomResourceDefinitionVersion v, int priority) {
        return v.getAdditionalPrinterColumns().stream()
                .filter(c -> c.getPriority() == priority)
                .map(CustomResourceColumnDefinition::getName)
                .toList();
    }

    @Test
    void diskPools() throws IOException {
        CustomResourceDefinition crd = load("diskpools.peregrine.io-v1.yml");
        assertEquals("diskpools.peregrine.io", crd.getMetadata().getName());
        assertEquals("Cluster", crd.getSpec().getScope());
        assertEquals("DiskPool", crd.getSpec().getNames().getKind());
        assertTrue(crd.getSpec().getNames().getShortNames().contains("dp"));
        CustomResourceDefinitionVersion v = only(crd);
        assertTrue(
                columns(v, 0).containsAll(List.of("Node", "Phase", "Capacity", "Used", "Volumes", "Age")),
                columns(v, 0).toString());
        assertTrue(columns(v, 1).containsAll(List.of("Disk", "Reason")));

        JSONSchemaProps spec =
                v.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
        assertEquals(Set.of("node", "disks"), Set.copyOf(spec.getRequired()));
        assertEquals(1L, spec.getProperties().get("disks").getMaxItems());
        assertEquals(
                List.of("Destroy", "Export"),
                spec.getProperties().get("deletionPolicy").getEnum().stream()
                        .map(n -> n.asText())
                        .toList());
        JSONSchemaProps status =
                v.getSchema().getOpenAPIV3Schema().getProperties().get("status");
        assertTrue(status.getProperties()
                .keySet()
                .containsAll(Set.of(
                        "phase",
                        "node",
                        "disk",
                        "uuid",
                        "capacityBytes",
                        "usedBytes",
                        "volumeCount",
                        "conditions",
                        "observedGeneration")));
        assertEquals(
                Set.of("type", "status", "reason", "message", "observedGeneration", "lastTransitionTime"),
                status.getProperties()
                        .get("conditions")
                        .getItems()
                        .getSchema()
                        .getProperties()
                        .keySet());
    }

    @Test
    void storageNodesCarryTheEndpointsTheCsiDriverReads() throws IOException {
        CustomResourceDefinition crd = load("storagenodes.peregrine.io-v1.yml");
        assertEquals("Cluster", crd.getSpec().getScope());
        CustomResourceDefinitionVersion v = only(crd);
        assertTrue(columns(v, 0).containsAll(List.of("State", "Health", "Version", "Endpoint", "Devices", "Age")));
        JSONSchemaProps status =
                v.getSchema().getOpenAPIV3Schema().getProperties().get("status");
        assertEquals("string", status.getProperties().get("managementEndpoint").getType());
        assertEquals(
                Set.of("trtype", "adrfam", "traddr", "trsvcid"),
                status.getProperties()
                        .get("nvmeTcpListeners")
                        .getItems()
                        .getSchema()
                        .getProperties()
                        .keySet());
        assertEquals(
                List.of("Offline", "Online", "Unknown"),
                status.getProperties().get("state").getEnum().stream()
                        .map(n -> n.asText())
                        .toList());
        assertTrue(status.getProperties()
                .get("devices")
                .getItems()
                .getSchema()
                .getProperties()
                .keySet()
                .containsAll(Set.of("uri", "model", "serial", "sizeBytes", "pool")));
    }
}
