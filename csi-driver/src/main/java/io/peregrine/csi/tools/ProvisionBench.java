package io.peregrine.csi.tools;

import io.grpc.ManagedChannel;
import io.peregrine.csi.server.Endpoint;
import io.peregrine.csi.server.EpollTransport;
import io.peregrine.csi.v1.CapacityRange;
import io.peregrine.csi.v1.ControllerGrpc;
import io.peregrine.csi.v1.ControllerPublishVolumeRequest;
import io.peregrine.csi.v1.ControllerUnpublishVolumeRequest;
import io.peregrine.csi.v1.CreateVolumeRequest;
import io.peregrine.csi.v1.DeleteVolumeRequest;
import io.peregrine.csi.v1.VolumeCapability;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * {@code ./peregrine csi-bench}: provisioning latency as Kubernetes sees it, measured at a CSI
 * controller socket. Creates and publishes volumes one after another (as external-provisioner
 * and external-attacher do for one PVC), records CreateVolume, ControllerPublishVolume and
 * their sum per volume, then tears everything down. Prints percentiles and writes JSON.
 */
public final class ProvisionBench {

    /** What one run measured; latencies in microseconds. */
    public record Result(
            int volumes,
            Percentiles create,
            Percentiles publish,
            Percentiles createAndPublish,
            Duration provisionAll,
            Duration teardownAll) {

        public double volumesPerSecond() {
            return volumes / (provisionAll.toNanos() / 1e9);
        }

        public String toJson() {
            return String.format(
                    Locale.ROOT,
                    "{\"volumes\":%d,\"createVolumeMicros\":%s,\"controllerPublishMicros\":%s,"
                            + "\"createAndPublishMicros\":%s,\"provisionAllMillis\":%d,\"teardownAllMillis\":%d,"
                            + "\"volumesPerSecond\":%.1f}",
                    volumes,
                    create.toJson(),
                    publish.toJson(),
                    createAndPublish.toJson(),
                    provisionAll.toMillis(),
                    teardownAll.toMillis(),
                    volumesPerSecond());
        }
    }

    public record Percentiles(long p50, long p99, long max, double mean) {
        static Percentiles of(Histogram h) {
            return new Percentiles(
                    h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getMaxValue(), h.getMean());
        }

        String toJson() {
            return String.format(Locale.ROOT, "{\"p50\":%d,\"p99\":%d,\"max\":%d,\"mean\":%.1f}", p50, p99, max, mean);
        }
    }

    private final ControllerGrpc.ControllerBlockingStub controller;
    private final String nodeId;
    private final long sizeBytes;

    public ProvisionBench(ControllerGrpc.ControllerBlockingStub controller, String nodeId, long sizeBytes) {
        this.controller = controller;
        this.nodeId = nodeId;
        this.sizeBytes = sizeBytes;
    }

    /** Warms up with {@code warmup} volumes, then measures {@code volumes}. */
    public Result run(int warmup, int volumes) {
        String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        List<String> warm = new ArrayList<>();
        for (int i = 0; i < warmup; i++) warm.add(provision(prefix + "warm-" + i, null, null, null));
        teardown(warm);
        Histogram create = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        Histogram publish = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        Histogram both = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        List<String> ids = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < volumes; i++) ids.add(provision(prefix + i, create, publish, both));
        Duration provisionAll = Duration.ofNanos(System.nanoTime() - started);
        long tearing = System.nanoTime();
        teardown(ids);
        Duration teardownAll = Duration.ofNanos(System.nanoTime() - tearing);
        return new Result(
                volumes,
                Percentiles.of(create),
                Percentiles.of(publish),
                Percentiles.of(both),
                provisionAll,
                teardownAll);
    }

    private String provision(String name, Histogram create, Histogram publish, Histogram both) {
        VolumeCapability capability = VolumeCapability.newBuilder()
                .setMount(VolumeCapability.MountVolume.newBuilder().setFsType("ext4"))
                .setAccessMode(VolumeCapability.AccessMode.newBuilder()
                        .setMode(VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER))
                .build();
        long t0 = System.nanoTime();
        String id = stub().createVolume(CreateVolumeRequest.newBuilder()
                        .setName(name)
                        .addVolumeCapabilities(capability)
                        .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(sizeBytes))
                        .build())
                .getVolume()
                .getVolumeId();
        long t1 = System.nanoTime();
        stub().controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder()
                .setVolumeId(id)
                .setNodeId(nodeId)
                .setVolumeCapability(capability)
                .build());
        long t2 = System.nanoTime();
        if (create != null) {
            create.recordValue((t1 - t0) / 1000);
            publish.recordValue((t2 - t1) / 1000);
            both.recordValue((t2 - t0) / 1000);
        }
        return id;
    }

    private void teardown(List<String> ids) {
        for (String id : ids) {
            stub().controllerUnpublishVolume(ControllerUnpublishVolumeRequest.newBuilder()
                    .setVolumeId(id)
                    .setNodeId(nodeId)
                    .build());
            stub().deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(id).build());
        }
    }

    private ControllerGrpc.ControllerBlockingStub stub() {
        return controller.withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    public static void print(Result r, PrintStream out) {
        out.printf(Locale.ROOT, "%d volumes, created and published one after another%n", r.volumes());
        out.printf(
                Locale.ROOT,
                "  %-26s p50 %7.2f ms   p99 %7.2f ms   max %7.2f ms%n",
                "CreateVolume",
                r.create().p50() / 1e3,
                r.create().p99() / 1e3,
                r.create().max() / 1e3);
        out.printf(
                Locale.ROOT,
                "  %-26s p50 %7.2f ms   p99 %7.2f ms   max %7.2f ms%n",
                "ControllerPublishVolume",
                r.publish().p50() / 1e3,
                r.publish().p99() / 1e3,
                r.publish().max() / 1e3);
        out.printf(
                Locale.ROOT,
                "  %-26s p50 %7.2f ms   p99 %7.2f ms   max %7.2f ms%n",
                "create + publish",
                r.createAndPublish().p50() / 1e3,
                r.createAndPublish().p99() / 1e3,
                r.createAndPublish().max() / 1e3);
        out.printf(
                Locale.ROOT,
                "  all %d provisioned in %d ms (%.1f volumes/s); unpublished and deleted in %d ms%n",
                r.volumes(),
                r.provisionAll().toMillis(),
                r.volumesPerSecond(),
                r.teardownAll().toMillis());
    }

    private static final String USAGE = "usage: csi-bench --endpoint unix:///run/peregrine/csi/controller.sock"
            + " --node-id NODE [--volumes 100] [--warmup 20] [--size-bytes 1073741824] [--json FILE]\n"
            + "  creates and publishes --volumes volumes one after another at a CSI controller socket,\n"
            + "  prints CreateVolume/ControllerPublishVolume latency percentiles, then deletes them";

    private static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 0) return n;
        } catch (NumberFormatException e) {
            // reported below, with the option's name
        }
        return usageError(option + " needs a whole number >= 0, not '" + value + "'");
    }

    private static int usageError(String message) {
        System.err.println("csi-bench: " + message + "\n" + USAGE);
        System.exit(2);
        return 0;
    }

    public static void main(String[] args) throws IOException {
        String endpoint = null;
        String node = null;
        int volumes = 100;
        int warmup = 20;
        long size = 1L << 30;
        Path json = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--endpoint" -> endpoint = value;
                case "--node-id" -> node = value;
                case "--volumes" -> volumes = positive("--volumes", value);
                case "--warmup" -> warmup = positive("--warmup", value);
                case "--size-bytes" -> {
                    try {
                        size = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        usageError("--size-bytes needs a number of bytes, not '" + value + "'");
                    }
                }
                case "--json" -> json = Path.of(value);
                case "-h", "--help" -> {
                    System.out.println(USAGE);
                    return;
                }
                default -> usageError("unknown option " + args[i]);
            }
            i++;
        }
        if (endpoint == null || node == null) {
            usageError("--endpoint and --node-id are required");
        }
        try (EpollTransport transport = new EpollTransport()) {
            ManagedChannel channel =
                    transport.channelTo(Endpoint.parse(endpoint).socket());
            Result result =
                    new ProvisionBench(ControllerGrpc.newBlockingStub(channel), node, size).run(warmup, volumes);
            print(result, System.out);
            if (json != null) Files.writeString(json, result.toJson() + "\n");
            channel.shutdownNow();
        }
    }
}
