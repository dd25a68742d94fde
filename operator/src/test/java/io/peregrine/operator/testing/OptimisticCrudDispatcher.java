package io.peregrine.operator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.net.HttpURLConnection;

/**
 * The mock server's CRUD dispatcher with one fidelity fix: a PUT to a {@code /status}
 * subresource that names a stale {@code metadata.resourceVersion} is refused with 409 Conflict,
 * as a real API server refuses it. (The stock mock accepts it, which would hide lost updates
 * between the operator and the node agent, who both write StorageNode status.)
 */
final class OptimisticCrudDispatcher extends KubernetesCrudDispatcher {

    private final ObjectMapper json = new ObjectMapper();

    @Override
    public synchronized MockResponse handleUpdate(RecordedRequest request) {
        String path = request.getPath();
        String plain = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        if (plain.endsWith("/status")) {
            String wanted = resourceVersion(request.getBody().getBytes());
            if (!wanted.isEmpty()) {
                MockResponse current = handleGet(plain.substring(0, plain.length() - "/status".length()));
                if (current.code() == HttpURLConnection.HTTP_OK
                        && !wanted.equals(resourceVersion(current.getBody().getBytes()))) {
                    return new MockResponse()
                            .setResponseCode(HttpURLConnection.HTTP_CONFLICT)
                            .setBody("{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"status\":\"Failure\","
                                    + "\"reason\":\"Conflict\",\"code\":409,\"message\":\"Operation cannot be"
                                    + " fulfilled: the object has been modified; please apply your changes to the"
                                    + " latest version and try again\"}");
                }
            }
        }
        return super.handleUpdate(request);
    }

    private String resourceVersion(byte[] body) {
        try {
            JsonNode node = json.readTree(body);
            return node == null
                    ? ""
                    : node.path("metadata").path("resourceVersion").asText("");
        } catch (IOException e) {
            return "";
        }
    }
}
