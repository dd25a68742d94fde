package io.peregrine.dataplane.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The daemon's HTTP endpoint: {@code /metrics} (Prometheus text, or OpenMetrics when asked),
 * {@code /healthz} (the process answers: liveness) and {@code /readyz} (the node serves: the
 * target listens, the reactors run, the management API accepts calls). Requests run on virtual
 * threads, never on a reactor.
 */
public final class MetricsServer implements AutoCloseable {
    private final HttpServer http;
    private final ExecutorService executor;

    private MetricsServer(HttpServer http, ExecutorService executor) {
        this.http = http;
        this.executor = executor;
    }

    /**
     * @param readiness what keeps the node from serving (empty: ready), and below a "notes:" line
     *     what needs attention without stopping it
     */
    public static MetricsServer start(
            InetSocketAddress listen, PrometheusRegistry registry, Supplier<Readiness.Report> readiness) {
        HttpServer http;
        try {
            http = HttpServer.create(listen, 64);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot serve metrics on " + listen + ": " + e.getMessage()
                            + " (another process on that port? set metrics.listen)",
                    e);
        }
        ExecutorService executor = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("metrics-", 0).factory());
        http.setExecutor(executor);
        http.createContext("/metrics", new MetricsHandler(registry));
        http.createContext("/healthz", exchange -> reply(exchange, 200, "ok\n"));
        http.createContext("/readyz", exchange -> {
            Readiness.Report r = readiness.get();
            StringBuilder body = new StringBuilder(r.ready() ? "ready\n" : "not ready\n");
            r.problems().forEach(p -> body.append("  ").append(p).append('\n'));
            if (!r.notes().isEmpty()) {
                body.append("notes:\n");
                r.notes().forEach(p -> body.append("  ").append(p).append('\n'));
            }
            reply(exchange, r.ready() ? 200 : 503, body.toString());
        });
        http.start();
        return new MetricsServer(http, executor);
    }

    private static void reply(HttpExchange exchange, int code, String text) throws IOException {
        try (exchange) {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(code, -1);
                return;
            }
            exchange.sendResponseHeaders(code, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Where it listens, with the bound port. */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }
}
