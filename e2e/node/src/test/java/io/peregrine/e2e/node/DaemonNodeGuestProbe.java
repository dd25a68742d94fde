package io.peregrine.e2e.node;

import io.grpc.ManagedChannel;
import io.peregrine.csi.CsiMain;
import io.peregrine.csi.server.EpollTransport;
import io.peregrine.csi.v1.CapacityRange;
import io.peregrine.csi.v1.NodeExpandVolumeRequest;
import io.peregrine.csi.v1.NodeGetVolumeStatsRequest;
import io.peregrine.csi.v1.NodeGetVolumeStatsResponse;
import io.peregrine.csi.v1.NodeGrpc;
import io.peregrine.csi.v1.NodePublishVolumeRequest;
import io.peregrine.csi.v1.NodeStageVolumeRequest;
import io.peregrine.csi.v1.NodeUnpublishVolumeRequest;
import io.peregrine.csi.v1.NodeUnstageVolumeRequest;
import io.peregrine.csi.v1.VolumeCapability;
import io.peregrine.csi.v1.VolumeUsage;
import java.io.IOException;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Runs inside a guest: the real node plugin ({@link CsiMain}, its own JVM, host NQN given by the
 * test) driven like kubelet would, against volumes the real daemon on the host (10.0.2.2)
 * created and ControllerPublished to that host NQN. The test wrote them to {@code share/volumes};
 * for the controller's half of an expansion the probe asks through the share ({@code
 * expand-request}) and waits for the test's answer ({@code expanded}); likewise for a daemon
 * restart and for the daemon going away for good. Prints {@code PASS <step>}.
 */
public final class DaemonNodeGuestProbe {

    static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    static final String VOLUMES = "volumes";
    static final String EXPAND_REQUEST = "expand-request";
    static final String EXPANDED = "expanded";
    static final String RESTART_REQUEST = "restart-request";
    static final String RESTARTED = "restarted";
    static final String STOP_REQUEST = "stop-request";
    static final String STOPPED = "stopped";

    private static final long MiB = 1L << 20;
    private static final Duration CALL = Duration.ofSeconds(120);

    private final NodeGrpc.NodeBlockingStub node;
    private final Path work;
    private final Path share;
    private final long started = System.nanoTime();

    private DaemonNodeGuestProbe(NodeGrpc.NodeBlockingStub node, Path work, Path share) {
        this.node = node;
        this.work = work;
        this.share = share;
    }

    /** args: work directory (guest-only), share directory, host NQN. */
    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        Path share = Path.of(args[1]);
        String hostNqn = args[2];
        Files.createDirectories(work);
        Path socket = work.resolve("node.sock");
        Path log = work.resolve("plugin.log");
        Process plugin = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--enable-native-access=ALL-UNNAMED",
                        "-XX:TieredStopAtLevel=1",
                        "-XX:+UseSerialGC",
                        "-cp",
                        System.getProperty("java.class.path"),
                        CsiMain.class.getName(),
                        "--mode",
                        "node",
                        "--endpoint",
                        "unix://" + socket,
                        "--node-id",
                        RealNode.NODE,
                        "--host-nqn",
                        hostNqn,
                        "--nvme-dir",
                        work.resolve("nvme").toString(),
                        "--device-wait",
                        "30",
                        "--reconnect-delay",
                        "1",
                        "--unmount-timeout",
                        "5")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        int status = 1;
        try (EpollTransport transport = new EpollTransport()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(socket)) {
                if (!plugin.isAlive()) throw new AssertionError("the node plugin exited with " + plugin.exitValue());
                if (System.nanoTime() > deadline) throw new AssertionError("the node plugin did not open " + socket);
                Thread.sleep(100);
            }
            ManagedChannel channel = transport.channelTo(socket);
            new DaemonNodeGuestProbe(NodeGrpc.newBlockingStub(channel), work, share).run();
            channel.shutdownNow();
            status = 0;
        } catch (Throwable t) {
            t.printStackTrace(System.out);
        } finally {
            plugin.destroy();
            if (!plugin.waitFor(10, TimeUnit.SECONDS)) plugin.destroyForcibly();
            System.out.println("--- plugin log ---");
            System.out.println(Files.readString(log));
        }
        System.out.flush();
        System.exit(status);
    }

    private void run() throws Exception {
        List<Volume> all = readVolumes();
        pass("plugin up, " + all.size() + " volumes from the daemon");
        for (Volume v : all) {
            stage(v);
            stage(v);
            publish(v);
            publish(v);
        }
        for (Volume v : all) {
            if (!v.block()) {
                check(
                        mountAt(v.staging())
                                .filter(m -> m.contains(" " + v.fsType + " "))
                                .isPresent(),
                        v + " mounted at staging as " + v.fsType);
            }
        }
        pass("stage and publish ext4, xfs and block from the daemon's target, twice each");

        Map<Volume, String> sums = new LinkedHashMap<>();
        for (Volume v : all) sums.put(v, v.block() ? writeBlock(v.target()) : writeFiles(v.target()));
        pass("write files and blocks");

        for (Volume v : all) {
            NodeGetVolumeStatsResponse stats = stats(v);
            VolumeUsage bytes = usage(stats, VolumeUsage.Unit.BYTES);
            check(!stats.getVolumeCondition().getAbnormal(), v + " condition " + stats.getVolumeCondition());
            if (v.block()) {
                check(bytes.getTotal() == v.size, v + " block total " + bytes);
            } else {
                VolumeUsage inodes = usage(stats, VolumeUsage.Unit.INODES);
                check(bytes.getTotal() > v.size / 2 && bytes.getTotal() <= v.size, v + " total " + bytes);
                check(bytes.getUsed() >= 2 * MiB, v + " used " + bytes);
                check(inodes.getTotal() > 0 && inodes.getUsed() > 0, v + " inodes " + inodes);
            }
            v.statsTotal = bytes.getTotal();
        }
        pass("stats: bytes, inodes, condition");

        // the controller's half: the test calls ControllerExpandVolume on the host
        Properties sizes = ask(EXPAND_REQUEST, EXPANDED);
        for (Volume v : all) {
            long grown = Long.parseLong(sizes.getProperty(v.name));
            long capacity = node.withDeadlineAfter(CALL.toMillis(), TimeUnit.MILLISECONDS)
                    .nodeExpandVolume(NodeExpandVolumeRequest.newBuilder()
                            .setVolumeId(v.id)
                            .setVolumePath(v.target().toString())
                            .setStagingTargetPath(v.staging().toString())
                            .setVolumeCapability(v.capability())
                            .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(grown))
                            .build())
                    .getCapacityBytes();
            check(capacity >= grown, v + " expanded to " + capacity + ", wanted " + grown);
            long total = usage(stats(v), VolumeUsage.Unit.BYTES).getTotal();
            if (v.block()) {
                check(total == grown, v + " block device is " + total + " after expand, wanted " + grown);
            } else {
                check(total > v.statsTotal + 64 * MiB, v + " filesystem grew from " + v.statsTotal + " to " + total);
            }
            v.size = grown;
        }
        pass("controller expand + NodeExpand: rescan, resize2fs, xfs_growfs");

        for (Volume v : all) {
            String again = v.block() ? readBlock(v.target()) : readFiles(v.target());
            check(again.equals(sums.get(v)), v + " read back");
        }
        pass("read back after expand");

        for (Volume v : all) {
            unpublish(v);
            unpublish(v);
            check(!Files.exists(v.target()), v + " target removed");
            unstage(v);
            unstage(v);
            check(mountAt(v.staging()).isEmpty(), v + " nothing mounted at staging");
            check(controllers(v.nqn()).isEmpty(), v + " disconnected");
        }
        pass("unpublish and unstage, twice each; nothing left behind");

        Volume ext4 = all.getFirst();
        ask(RESTART_REQUEST, RESTARTED);
        stage(ext4);
        publish(ext4);
        check(readFiles(ext4.target()).equals(sums.get(ext4)), "ext4 data after the daemon restarted");
        pass("stage after the daemon restarted: the data is there");

        Files.writeString(ext4.target().resolve("after-restart.txt"), "written before the daemon vanished");
        ask(STOP_REQUEST, STOPPED);
        long abnormalBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!stats(ext4).getVolumeCondition().getAbnormal()) {
            check(System.nanoTime() < abnormalBy, "condition never turned abnormal with the daemon gone");
            Thread.sleep(500);
        }
        long unstaging = System.nanoTime();
        unpublish(ext4);
        unstage(ext4);
        Duration took = Duration.ofNanos(System.nanoTime() - unstaging);
        check(took.compareTo(Duration.ofSeconds(75)) < 0, "unstage with the daemon gone took " + took);
        check(mountAt(ext4.staging()).isEmpty(), "staging detached");
        check(controllers(ext4.nqn()).isEmpty(), "controller deleted");
        pass("unstage with the daemon gone finished in " + took.toMillis() + " ms");
    }

    /** Asks the test on the host for something through the share; its answer. */
    private Properties ask(String request, String answer) throws Exception {
        Files.writeString(share.resolve(request), "please\n");
        Path file = share.resolve(answer);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) throw new AssertionError("the host never answered " + request);
            Thread.sleep(200);
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return p;
    }

    private List<Volume> readVolumes() throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(share.resolve(VOLUMES))) {
            p.load(r);
        }
        List<Volume> out = new ArrayList<>();
        for (String name : p.getProperty("names").split(",")) {
            Map<String, String> context = new LinkedHashMap<>();
            String prefix = name + ".ctx.";
            for (String key : p.stringPropertyNames()) {
                if (key.startsWith(prefix)) context.put(key.substring(prefix.length()), p.getProperty(key));
            }
            out.add(new Volume(
                    name,
                    p.getProperty(name + ".id"),
                    p.getProperty(name + ".fs"),
                    Long.parseLong(p.getProperty(name + ".size")),
                    context));
        }
        return out;
    }

    private void pass(String step) {
        System.out.printf("PASS %s (at %.1f s)%n", step, (System.nanoTime() - started) / 1e9);
        System.out.flush();
    }

    // ---------------------------------------------------------------------------- calls

    private void stage(Volume v) {
        node.withDeadlineAfter(CALL.toMillis(), TimeUnit.MILLISECONDS)
                .nodeStageVolume(NodeStageVolumeRequest.newBuilder()
                        .setVolumeId(v.id)
                        .setStagingTargetPath(v.staging().toString())
                        .setVolumeCapability(v.capability())
                        .putAllPublishContext(v.context)
                        .build());
    }

    private void unstage(Volume v) {
        node.withDeadlineAfter(CALL.toMillis(), TimeUnit.MILLISECONDS)
                .nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder()
                        .setVolumeId(v.id)
                        .setStagingTargetPath(v.staging().toString())
                        .build());
    }

    private void publish(Volume v) {
        node.withDeadlineAfter(CALL.toMillis(), TimeUnit.MILLISECONDS)
                .nodePublishVolume(NodePublishVolumeRequest.newBuilder()
                        .setVolumeId(v.id)
                        .setStagingTargetPath(v.staging().toString())
                        .setTargetPath(v.target().toString())
                        .setVolumeCapability(v.capability())
                        .putAllPublishContext(v.context)
                        .build());
    }

    private void unpublish(Volume v) {
        node.withDeadlineAfter(CALL.toMillis(), TimeUnit.MILLISECONDS)
                .nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder()
                        .setVolumeId(v.id)
                        .setTargetPath(v.target().toString())
                        .build());
    }

    private NodeGetVolumeStatsResponse stats(Volume v) {
        return node.withDeadlineAfter(CALL.toMillis(), TimeUnit.MILLISECONDS)
                .nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder()
                        .setVolumeId(v.id)
                        .setVolumePath(v.target().toString())
                        .build());
    }

    // ----------------------------------------------------------------------------- data

    private static String writeFiles(Path dir) throws Exception {
        Files.writeString(dir.resolve("hello.txt"), "hello from " + dir);
        byte[] data = new byte[(int) (2 * MiB)];
        new Random(dir.hashCode()).nextBytes(data);
        try (FileChannel ch =
                FileChannel.open(dir.resolve("data.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(data));
            ch.force(true);
        }
        return readFiles(dir);
    }

    private static String readFiles(Path dir) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(Files.readAllBytes(dir.resolve("hello.txt")));
        sha.update(Files.readAllBytes(dir.resolve("data.bin")));
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String writeBlock(Path device) throws IOException {
        byte[] pattern =
                ("peregrine raw block " + device).repeat(200).substring(0, 4096).getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(device, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(pattern), MiB);
            ch.force(true);
        }
        return readBlock(device);
    }

    private static String readBlock(Path device) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        try (FileChannel ch = FileChannel.open(device, StandardOpenOption.READ)) {
            while (buf.hasRemaining()) {
                if (ch.read(buf, MiB + buf.position()) < 0) break;
            }
        }
        return HexFormat.of().formatHex(buf.array());
    }

    // ---------------------------------------------------------------------------- state

    private static java.util.Optional<String> mountAt(Path path) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.split(" ")[4].equals(path.toString()))
                .findFirst();
    }

    private static List<String> controllers(String nqn) throws IOException {
        List<String> out = new ArrayList<>();
        Path dir = Path.of("/sys/class/nvme");
        if (!Files.isDirectory(dir)) return out;
        try (var entries = Files.list(dir)) {
            for (Path c : entries.toList()) {
                try {
                    if (Files.readString(c.resolve("subsysnqn")).strip().equals(nqn))
                        out.add(c.getFileName().toString());
                } catch (IOException gone) {
                    // deleted while we looked
                }
            }
        }
        return out;
    }

    private static VolumeUsage usage(NodeGetVolumeStatsResponse stats, VolumeUsage.Unit unit) {
        return stats.getUsageList().stream()
                .filter(u -> u.getUnit() == unit)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + unit + " usage in " + stats));
    }

    private static void check(boolean condition, String what) {
        if (!condition) throw new AssertionError(what);
    }

    /** One volume the test made on the daemon, and where kubelet would stage and publish it. */
    private final class Volume {
        final String name;
        final String id;
        final String fsType; // empty: raw block
        final Map<String, String> context;
        long size;
        long statsTotal;

        Volume(String name, String id, String fsType, long size, Map<String, String> context) {
            this.name = name;
            this.id = id;
            this.fsType = fsType;
            this.size = size;
            this.context = context;
        }

        boolean block() {
            return fsType.isEmpty();
        }

        String nqn() {
            return context.get("nqn");
        }

        VolumeCapability capability() {
            VolumeCapability.Builder b = VolumeCapability.newBuilder()
                    .setAccessMode(VolumeCapability.AccessMode.newBuilder()
                            .setMode(VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER));
            return block()
                    ? b.setBlock(VolumeCapability.BlockVolume.getDefaultInstance())
                            .build()
                    : b.setMount(VolumeCapability.MountVolume.newBuilder().setFsType(fsType))
                            .build();
        }

        Path staging() {
            return work.resolve("staging").resolve(name);
        }

        Path target() {
            return work.resolve("pods").resolve(name).resolve(block() ? "dev" : "mount");
        }

        @Override
        public String toString() {
            return name + " (" + id + ")";
        }
    }
}
