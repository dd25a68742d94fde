package io.peregrine.operator.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A Kubernetes API server for tests: Fabric8's mock server in CRUD mode (objects are stored,
 * watched, versioned; finalizers, generation and the status subresource behave as on a real
 * server, and status writes are checked for conflicts: {@link OptimisticCrudDispatcher}), with
 * Peregrine's generated CRDs installed and a namespace for leases.
 */
public final class MockCluster implements AutoCloseable {

    public static final String NAMESPACE = "peregrine";

    private final KubernetesMockServer server;
    private final List<KubernetesClient> clients = new ArrayList<>();
    private final KubernetesClient admin;

    public MockCluster() {
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new OptimisticCrudDispatcher(), false);
        server.init();
        admin = newClient();
        installCrds();
        admin.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(NAMESPACE)
                        .endMetadata()
                        .build())
                .create();
    }

    /** A client of its own, as a separate process (operator replica, node agent, kubectl) would have. */
    public synchronized KubernetesClient newClient() {
        KubernetesClient client = server.createClient();
        clients.add(client);
        return client;
    }

    /** The client a test uses as its kubectl. */
    public KubernetesClient admin() {
        return admin;
    }

    // The YAML the build generated (and the Helm chart ships), not CRDs built in the test: from
    // the classpath, so that modules testing against the operator's jar (e2e/node) install them too.
    private void installCrds() {
        for (String file : List.of("storagenodes.peregrine.io-v1.yml", "diskpools.peregrine.io-v1.yml")) {
            String resource = "META-INF/fabric8/" + file;
            try (InputStream in = MockCluster.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException(resource + " is not on the classpath");
                }
                admin.apiextensions().v1().customResourceDefinitions().load(in).create();
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "the build generates target/classes/" + resource + "; run mvn process-classes", e);
            }
        }
    }

    /**
     * Requests served since the last call, by HTTP method and resource ("PATCH storagenodes"), and
     * forgets them.
     */
    public Map<String, Integer> drainRequests() {
        Map<String, Integer> counts = new TreeMap<>();
        try {
            RecordedRequest r;
            while ((r = server.takeRequest(0, TimeUnit.MILLISECONDS)) != null) {
                String path = r.getPath();
                String watch = path.contains("watch=true") ? " (watch)" : "";
                counts.merge(r.getMethod() + " " + resource(path) + watch, 1, Integer::sum);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return counts;
    }

    private static String resource(String path) {
        String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        String[] parts = p.split("/");
        // /api/v1/namespaces/NS/leases/NAME, /apis/G/V/storagenodes/NAME[/status]
        for (String known :
                List.of("storagenodes", "diskpools", "leases", "events", "customresourcedefinitions", "namespaces")) {
            for (int i = parts.length - 1; i >= 0; i--) {
                if (parts[i].equals(known)) {
                    boolean status = p.endsWith("/status");
                    return known + (status ? "/status" : "");
                }
            }
        }
        return p;
    }

    /**
     * Closes every client, then the server. The mock server (Fabric8 7.8) can stall its event loop
     * for up to 30 s when a watch closes while an event is being written to it (its watch listener
     * waits on a write that needs the very event loop it blocks); tests therefore stop writers
     * before watchers, and a server that does not shut down within its own 10 s is left to finish
     * in the background rather than failing a test whose assertions all passed.
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
