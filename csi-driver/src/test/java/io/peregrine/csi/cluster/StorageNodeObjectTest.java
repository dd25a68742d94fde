package io.peregrine.csi.cluster;

import static io.peregrine.csi.testing.MockApiServer.storageNode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.peregrine.csi.volume.TargetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reading the operator's StorageNode contract out of a generic resource, and judging it. */
class StorageNodeObjectTest {

    @Test
    void readsTheFieldsTheControllerNeeds() {
        StorageNodeObject o = StorageNodeObject.from(
                storageNode("w1", "nqn.2014-08.org.nvmexpress:uuid:1", "10.0.0.7:9443", "Online", "True", "10.0.1.7"));
        assertEquals("w1", o.name());
        assertEquals(Optional.of("nqn.2014-08.org.nvmexpress:uuid:1"), o.hostNqn());
        assertEquals(new ManagementEndpoint.Tcp("10.0.0.7", 9443), o.endpoint());
        assertEquals(List.of(TargetAddress.tcp("10.0.1.7", 4420)), o.targets());
        assertEquals(Optional.empty(), o.whyNot());
    }

    @Test
    void aWildcardListenerIsReachedAtTheNodesManagementAddress() {
        assertEquals(
                List.of(TargetAddress.tcp("fd00::7", 4420)),
                StorageNodeObject.from(storageNode("w1", null, "[fd00::7]:9443", "Online", "True", "0.0.0.0"))
                        .targets());
        // a Unix endpoint says nothing about the node's address: no usable target
        assertEquals(
                List.of(),
                StorageNodeObject.from(storageNode("w1", null, "unix:///run/api.sock", "Online", "True", "::"))
                        .targets());
    }

    @Test
    void saysWhyANodeIsNoCandidate() {
        assertTrue(StorageNodeObject.from(storageNode("w1", null, "10.0.0.7:9443", "Offline", "False", "10.0.1.7"))
                .whyNot()
                .orElseThrow()
                .startsWith("storage node w1 is Offline (LeaseExpired: as the test says)"));
        assertTrue(StorageNodeObject.from(storageNode("w1", null, "10.0.0.7:9443", "Online", "False", "10.0.1.7"))
                .whyNot()
                .orElseThrow()
                .contains("Online but not Ready"));
        assertTrue(StorageNodeObject.from(storageNode("w1", null, "10.0.0.7", "Online", "True", "10.0.1.7"))
                .whyNot()
                .orElseThrow()
                .contains("is not host:port"));
        GenericKubernetesResource fresh = new GenericKubernetesResourceBuilder()
                .withApiVersion("peregrine.io/v1alpha1")
                .withKind("StorageNode")
                .withNewMetadata()
                .withName("w2")
                .endMetadata()
                .addToAdditionalProperties("spec", Map.of("nodeName", "w2"))
                .build();
        StorageNodeObject o = StorageNodeObject.from(fresh);
        assertTrue(
                o.whyNot().orElseThrow().contains("not judged yet"), o.whyNot().orElseThrow());
        assertEquals(List.of(), o.targets());
    }

    @Test
    void endpointsParseAsTheOperatorWritesThem() {
        assertEquals(
                new ManagementEndpoint.Unix(Path.of("/run/api.sock")),
                ManagementEndpoint.parse("unix:///run/api.sock"));
        assertEquals(
                "[fd00::7]:9443", ManagementEndpoint.parse("[fd00::7]:9443").toString());
        for (String bad : List.of("", "unix://run", "host", "host:0", "host:99999", "[fd00::7]", "a:b:c")) {
            assertThrows(IllegalArgumentException.class, () -> ManagementEndpoint.parse(bad), bad);
        }
    }
}
