package io.peregrine.dataplane.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.dataplane.api.v1.CreatePoolRequest;
import io.peregrine.dataplane.api.v1.CreateVolumeRequest;
import io.peregrine.dataplane.api.v1.DeleteVolumeRequest;
import io.peregrine.dataplane.api.v1.Export;
import io.peregrine.dataplane.api.v1.ExportServiceGrpc;
import io.peregrine.dataplane.api.v1.GetVolumeStatsRequest;
import io.peregrine.dataplane.api.v1.PoolServiceGrpc;
import io.peregrine.dataplane.api.v1.PublishVolumeRequest;
import io.peregrine.dataplane.api.v1.UnpublishVolumeRequest;
import io.peregrine.dataplane.api.v1.Volume;
import io.peregrine.dataplane.api.v1.VolumeServiceGrpc;
import io.peregrine.dataplane.api.v1.VolumeStats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * I/O through the NVMe/TCP target moves the volume's counters by exactly what was done, as a
 * Prometheus scrape of {@code /metrics} sees them -- and the other endpoints answer.
 */
class MetricsTest {
    private static final Pattern SAMPLE = Pattern.compile("^([a-z_]+)(\\{[^}]*\\})? (\\S+)$");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private String get(Daemon daemon, String path, int expectStatus) throws Exception {
        var a = daemon.metricsAddress().orElseThrow();
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(expectStatus, r.statusCode(), r.body());
        return r.body();
    }

    /** Every sample in a scrape: {@code name{labels}} to value. */
    private static Map<String, Double> parse(String text) {
        Map<String, Double> out = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "not a sample line: " + line);
            out.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
        }
        return out;
    }

    private static double value(Map<String, Double> samples, String name, String labels) {
        Double v = samples.get(name + labels);
        assertTrue(v != null, "no sample " + name + labels);
        return v;
    }

    @Test
    void countersMoveByExactlyTheIoDone() throws Exception {
        try (Daemon daemon = Daemon.start(TestDaemons.config(dir));
                TestDaemons.Client client =
                        new TestDaemons.Client(daemon.management().socket())) {
            assertEquals("ok\n", get(daemon, "/healthz", 200));
            assertTrue(get(daemon, "/readyz", 200).startsWith("ready"));
            PoolServiceGrpc.newBlockingStub(client.channel)
                    .createPool(CreatePoolRequest.newBuilder()
                            .setName("m")
                            .setDiskUri("file://" + dir.resolve("m.img") + "?size=128M")
                            .build());
            var volumes = VolumeServiceGrpc.newBlockingStub(client.channel);
            Volume v = volumes.createVolume(CreateVolumeRequest.newBuilder()
                    .setPool("m")
                    .setName("data")
                    .setSizeBytes(16L << 20)
                    .build());
            Export e = ExportServiceGrpc.newBlockingStub(client.channel)
                    .publishVolume(PublishVolumeRequest.newBuilder()
                            .setVolumeUuid(v.getUuid())
                            .addAllowedHostNqns(TestDaemons.HOST_A)
                            .build());
            String labels = "{pool=\"m\",uuid=\"" + v.getUuid() + "\",volume=\"data\"}";
            Map<String, Double> before = parse(get(daemon, "/metrics", 200));
            assertEquals(0, value(before, "peregrine_volume_write_ops_total", labels));

            int writes4k = 7;
            int writes16k = 3;
            int reads = 5;
            try (HostIo host = new HostIo(daemon.targetAddress(), e.getSubsystemNqn(), TestDaemons.HOST_A)) {
                Map<String, Double> connected = parse(get(daemon, "/metrics", 200));
                assertEquals(2, value(connected, "peregrine_target_connections", labels), "admin + 1 I/O queue");
                for (int i = 0; i < writes4k; i++) {
                    assertEquals(0, host.write(i, new byte[4096]));
                }
                for (int i = 0; i < writes16k; i++) {
                    assertEquals(0, host.write(1000 + 64L * i, new byte[16384]));
                }
                int readBlocks = 8192 / host.blockSize();
                for (int i = 0; i < reads; i++) {
                    host.read(i, readBlocks);
                }
                assertEquals(0, host.flush());
                // scraped while the host is still connected: live channels count
                Map<String, Double> during = parse(get(daemon, "/metrics", 200));
                assertEquals(writes4k + writes16k, value(during, "peregrine_volume_write_ops_total", labels));
                assertEquals(
                        writes4k * 4096.0 + writes16k * 16384.0,
                        value(during, "peregrine_volume_write_bytes_total", labels));
                assertEquals(reads, value(during, "peregrine_volume_read_ops_total", labels));
                assertEquals(reads * 8192.0, value(during, "peregrine_volume_read_bytes_total", labels));
                assertEquals(1, value(during, "peregrine_volume_flush_ops_total", labels));
                assertEquals(0, value(during, "peregrine_volume_errors_total", labels));
                String inf = labels.substring(0, labels.length() - 1) + ",le=\"+Inf\"}";
                assertEquals(writes4k + writes16k, value(during, "peregrine_volume_write_latency_seconds_bucket", inf));
                assertEquals(
                        writes4k + writes16k, value(during, "peregrine_volume_write_latency_seconds_count", labels));
                assertEquals(reads, value(during, "peregrine_volume_read_latency_seconds_count", labels));
                assertTrue(value(during, "peregrine_volume_write_latency_seconds_sum", labels) > 0);
                // per volume: 10 bounds (50 us .. 1 s) and +Inf; the node aggregate keeps all 17
                assertEquals(11, bucketCount(during, "peregrine_volume_write_latency_seconds_bucket", labels));
                assertTrue(during.containsKey("peregrine_volume_write_latency_seconds_bucket"
                        + labels.substring(0, labels.length() - 1) + ",le=\"5.0E-5\"}"));
                assertEquals(17, bucketCount(during, "peregrine_node_write_latency_seconds_bucket", "{"));
                assertEquals(
                        writes4k + writes16k,
                        value(during, "peregrine_node_write_latency_seconds_bucket", "{le=\"+Inf\"}"));
                assertEquals(reads, value(during, "peregrine_node_read_latency_seconds_count", ""));
                assertEquals(
                        value(during, "peregrine_volume_write_latency_seconds_sum", labels),
                        value(during, "peregrine_node_write_latency_seconds_sum", ""),
                        1e-9);
                assertEquals(0, value(during, "peregrine_target_queue_depth", labels));
            }
            // after the host left, the counters stay (closed channels keep theirs)
            Map<String, Double> after = parse(get(daemon, "/metrics", 200));
            assertEquals(writes4k + writes16k, value(after, "peregrine_volume_write_ops_total", labels));
            assertEquals(reads, value(after, "peregrine_volume_read_ops_total", labels));
            VolumeStats stats = volumes.getVolumeStats(
                    GetVolumeStatsRequest.newBuilder().setUuid(v.getUuid()).build());
            assertEquals(writes4k + writes16k, stats.getWriteOps());
            assertEquals(reads * 8192L, stats.getReadBytes());

            // pools, reactors and the API itself
            assertEquals(1, value(after, "peregrine_pool_up", "{pool=\"m\"}"));
            assertEquals(1, value(after, "peregrine_pool_volumes", "{pool=\"m\"}"));
            assertTrue(value(after, "peregrine_pool_capacity_bytes", "{pool=\"m\"}") > 100 << 20);
            assertTrue(value(after, "peregrine_pool_used_bytes", "{pool=\"m\"}") >= 4 << 20);
            assertTrue(value(after, "peregrine_reactor_idle_seconds_total", "{cpu=\"\",reactor=\"0\"}") > 0);
            assertEquals(
                    1,
                    value(after, "peregrine_api_calls_total", "{code=\"OK\",method=\"VolumeService/CreateVolume\"}"));
            assertEquals(
                    1,
                    value(
                            after,
                            "peregrine_api_call_duration_seconds_count",
                            "{method=\"ExportService/PublishVolume\"}"));

            // a deleted volume's series go, but the node-wide histograms keep what it did
            ExportServiceGrpc.newBlockingStub(client.channel)
                    .unpublishVolume(UnpublishVolumeRequest.newBuilder()
                            .setVolumeUuid(v.getUuid())
                            .build());
            volumes.deleteVolume(
                    DeleteVolumeRequest.newBuilder().setUuid(v.getUuid()).build());
            Map<String, Double> deleted = parse(get(daemon, "/metrics", 200));
            assertFalse(deleted.containsKey("peregrine_volume_write_ops_total" + labels));
            assertEquals(writes4k + writes16k, value(deleted, "peregrine_node_write_latency_seconds_count", ""));
            assertEquals(reads, value(deleted, "peregrine_node_read_latency_seconds_count", ""));
        }
    }

    /** How many {@code le} buckets the series of {@code name} whose labels start like {@code labels} has. */
    private static long bucketCount(Map<String, Double> samples, String name, String labels) {
        String prefix = name + labels.substring(0, labels.length() - 1);
        return samples.keySet().stream()
                .filter(k -> k.startsWith(prefix) && k.contains("le="))
                .count();
    }
}
