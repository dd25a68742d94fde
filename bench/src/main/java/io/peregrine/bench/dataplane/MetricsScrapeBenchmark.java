package io.peregrine.bench.dataplane;

import io.peregrine.dataplane.config.ConfigLoader;
import io.peregrine.dataplane.daemon.Daemon;
import io.peregrine.dataplane.node.Volumes;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a Prometheus scrape of a node with {@code volumes} published volumes costs the daemon:
 * {@code collect} is the registry's work alone (reading every volume's per-reactor counters,
 * pool capacity, reactors), {@code http} a whole {@code GET /metrics} as Prometheus makes it
 * (collection, text format, HTTP on loopback), and its size in bytes is printed once.
 *
 * <p>{@code ./peregrine bench MetricsScrape}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MetricsScrapeBenchmark {
    @Param({"1000"})
    public int volumes;

    private Path dir;
    private Daemon daemon;
    private HttpClient http;
    private HttpRequest scrape;

    @Setup(Level.Trial)
    public void start() throws Exception {
        dir = Files.createTempDirectory("peregrine-scrape-");
        daemon = Daemon.start(new ConfigLoader("bench", ConfigLoader.daemonDefaults(Map.of()))
                .load(
                        List.of(
                                "--data-dir", dir.toString(),
                                "--management.socket", dir.resolve("dp.sock").toString(),
                                "--target.listen", "127.0.0.1:0",
                                "--metrics.listen", "127.0.0.1:0",
                                "--reactors.count", "1"),
                        Map.of(),
                        false)
                .config());
        daemon.node().pools().create("bench", "file://" + dir.resolve("pool.img") + "?size=8G", 1L << 20);
        Volumes v = daemon.node().volumes();
        for (int i = 0; i < volumes; i++) {
            var created = v.create("bench", "pvc-" + i, 4L << 20, false, Map.of());
            daemon.node().publications().publish(created.uuid(), List.of(), true);
        }
        http = HttpClient.newHttpClient();
        scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + daemon.metricsAddress().orElseThrow().getPort() + "/metrics"))
                .build();
        String body = http.send(scrape, HttpResponse.BodyHandlers.ofString()).body();
        System.out.println("\nscrape of " + volumes + " published volumes: " + body.length() + " bytes, "
                + body.lines().filter(l -> !l.startsWith("#")).count() + " samples");
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        daemon.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public MetricsSnapshotsHolder collect() {
        return new MetricsSnapshotsHolder(daemon.registry().scrape());
    }

    @Benchmark
    public int http() throws Exception {
        return http.send(scrape, HttpResponse.BodyHandlers.ofByteArray()).body().length;
    }

    /** Returned so the collection is not optimized away. */
    public record MetricsSnapshotsHolder(MetricSnapshots snapshots) {}
}
