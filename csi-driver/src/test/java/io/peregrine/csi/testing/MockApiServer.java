package io.peregrine.csi.testing;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.peregrine.csi.cluster.KubernetesNodeDirectory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fabric8's mock API server in CRUD mode (objects stored, versioned and watched) with the
 * StorageNode CRD, and StorageNode objects as the node agent and the operator write them.
 */
public final class MockApiServer implements AutoCloseable {

    private final KubernetesMockServer server;
    private final KubernetesClient kubectl;
    private final List<KubernetesClient> clients = new ArrayList<>();

    public MockApiServer() {
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        kubectl = newClient();
        kubectl.apiextensions().v1().customResourceDefinitions().resource(crd()).create();
    }

    /** A client of its own, as the controller process has; closed with the server. */
    public synchronized KubernetesClient newClient() {
        KubernetesClient client = server.createClient();
        clients.add(client);
        return client;
    }

    /** Creates or replaces a StorageNode. */
    public void put(GenericKubernetesResource node) {
        kubectl.genericKubernetesResources(KubernetesNodeDirectory.STORAGE_NODES)
                .resource(node)
                .createOr(NonDeletingOperation::update);
    }

    public void delete(String storageNode) {
        kubectl.genericKubernetesResources(KubernetesNodeDirectory.STORAGE_NODES)
                .withName(storageNode)
                .delete();
    }

    /**
     * A StorageNode: spec and endpoint/listeners as the node agent writes them, state and the
     * Ready condition as the operator does.
     *
     * @param hostNqn null for none
     */
    public static GenericKubernetesResource storageNode(
            String name, String hostNqn, String endpoint, String state, String ready, String listenerAddress) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("nodeName", name);
        if (hostNqn != null) spec.put("hostNqn", hostNqn);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("state", state);
        status.put(
                "conditions",
                List.of(Map.of(
                        "type",
                        "Ready",
                        "status",
                        ready,
                        "reason",
                        ready.equals("True") ? "LeaseRenewed" : "LeaseExpired",
                        "message",
                        "as the test says")));
        status.put("managementEndpoint", endpoint);
        status.put(
                "nvmeTcpListeners",
                List.of(Map.of("trtype", "tcp", "adrfam", "ipv4", "traddr", listenerAddress, "trsvcid", "4420")));
        return new GenericKubernetesResourceBuilder()
                .withApiVersion("peregrine.io/v1alpha1")
                .withKind("StorageNode")
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .addToAdditionalProperties("spec", spec)
                .addToAdditionalProperties("status", status)
                .build();
    }

    /** The CRD as far as the mock server needs it: cluster-scoped, any fields. */
    private static CustomResourceDefinition crd() {
        return new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName("storagenodes.peregrine.io")
                .endMetadata()
                .withNewSpec()
                .withGroup("peregrine.io")
                .withScope("Cluster")
                .withNewNames()
                .withKind("StorageNode")
                .withPlural("storagenodes")
                .withSingular("storagenode")
                .endNames()
                .addNewVersion()
                .withName("v1alpha1")
                .withServed(true)
                .withStorage(true)
                .withNewSchema()
                .withNewOpenAPIV3Schema()
                .withType("object")
                .withXKubernetesPreserveUnknownFields(true)
                .endOpenAPIV3Schema()
                .endSchema()
                .endVersion()
                .endSpec()
                .build();
    }

    /**
     * Closes every client, then the server. Fabric8's mock server (7.8) can stall its own event
     * loop when a watch closes while an event is being written to it, and then gives up shutting
     * down after its 10 s wait (the operator's MockCluster meets the same). That is the mock's
     * teardown, not the behaviour under test: a test whose assertions passed must not fail on it,
     * so the stall is reported on stderr and the server finishes closing in the background.
     */
    @Override
    public void close() {
        clients.forEach(KubernetesClient::close);
        try {
            server.destroy();
        } catch (IllegalStateException e) {
            System.err.println("mock API server did not shut down cleanly: " + e.getMessage());
        }
    }
}
