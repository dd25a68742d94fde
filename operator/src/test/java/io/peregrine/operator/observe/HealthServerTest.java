package io.peregrine.operator.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthServerTest {

    @Test
    void probesAndMetrics() throws Exception {
        OperatorMetrics metrics = new OperatorMetrics();
        metrics.reconciled("DiskPool", OperatorMetrics.Outcome.SUCCESS, 2_000_000);
        metrics.queueDepth("DiskPool", 3);
        metrics.dataplaneCall("CreatePool", "OK", 1_000_000);
        metrics.leader(true);
        AtomicBoolean ready = new AtomicBoolean(false);
        try (HealthServer server = new HealthServer(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), metrics, () -> true, ready::get);
                HttpClient http = HttpClient.newHttpClient()) {
            String base = "http://127.0.0.1:" + server.port();
            assertEquals(200, get(http, base + "/healthz").statusCode());
            assertEquals(503, get(http, base + "/readyz").statusCode());
            ready.set(true);
            assertEquals(200, get(http, base + "/readyz").statusCode());

            String text = get(http, base + "/metrics").body();
            for (String line : new String[] {
                "peregrine_operator_reconcile_total{kind=\"DiskPool\",result=\"success\"} 1.0",
                "peregrine_operator_reconcile_duration_seconds_bucket{kind=\"DiskPool\",le=\"0.005\"} 1",
                "peregrine_operator_queue_depth{kind=\"DiskPool\"} 3.0",
                "peregrine_operator_leader 1.0",
                "peregrine_operator_dataplane_calls_total{code=\"OK\",method=\"CreatePool\"} 1.0",
                "# TYPE peregrine_operator_event_write_failures_total counter",
            }) {
                assertTrue(text.contains(line), "missing " + line + " in\n" + text);
            }
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
