package io.peregrine.csi.guest;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peregrine.csi.CsiMain;
import io.peregrine.csi.server.EpollTransport;
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
import io.peregrine.csi.volume.PublishContext;
import io.peregrine.csi.volume.TargetAddress;
import java.io.IOException;
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
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Runs inside a guest: starts the real node plugin ({@link CsiMain}, its own JVM) on a Unix
 * socket and drives it like kubelet would, against a {@link VolumeTarget}, with the kernel's
 * NVMe/TCP host, nvme-cli, mkfs and mount doing the real work. Prints {@code PASS <scenario>}
 * per scenario; any failure ends the run with a stack trace and the plugin's log.
 *
 * <p>Scenarios (one boot): ext4, xfs and raw block volumes staged side by side (so namespaces
 * must be told apart by NGUID, not by name), published, written, measured, grown online, read
 * back, published read-only, unpublished and unstaged twice each (idempotency); a volume staged
 * again after the target restarted, its condition followed through a target outage; and a volume
 * unstaged after its target vanished for good, which must finish in bounded time.
 */
public final class NodeLifecycleProbe {

    /**
     * Under TCG every JIT compilation is paid for in emulated instructions: the client compiler
     * alone starts both JVMs several times faster and is plenty for a control-plane workload.
     */
    static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private static final String NODE = "guest";
    private static final long MiB = 1L << 20;
    private static final Duration CALL = Duration.ofSeconds(90);

    private final NodeGrpc.NodeBlockingStub node;
    private final VolumeTarget target;
    private final String hostNqn;
    private final Path work;

    private NodeLifecycleProbe(NodeGrpc.NodeBlockingStub node, VolumeTarget target, String hostNqn, Path work) {
        this.node = node;
        this.target = target;
        this.hostNqn = hostNqn;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "/run/csi-test");
        Files.createDirectories(work);
        Path socket = work.resolve("node.sock");
        Path nvmeDir = work.resolve("nvme"); // empty: the plugin generates and saves an identity
        Path log = work.resolve("plugin.log");
        Process plugin = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        CsiMain.class.getName(),
                        "--mode",
                        "node",
                        "--endpoint",
                        "unix://" + socket,
                        "--node-id",
                        NODE,
                        "--nvme-dir",
                        nvmeDir.toString(),
                        "--reconnect-delay",
                        "1",
                        "--device-wait",
                        "20",
                        "--unmount-timeout",
                        "5")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        int status = 1;
        try (EpollTransport transport = new EpollTransport()) {
            awaitSocket(socket, plugin);
            ManagedChannel channel = transport.channelTo(socket);
            String hostNqn = Files.readString(nvmeDir.resolve("hostnqn")).strip();
            System.out.println("plugin up, host NQN " + hostNqn);
            VolumeTarget target = new KernelNvmetTarget("127.0.0.1", 4420);
            NodeLifecycleProbe probe = new NodeLifecycleProbe(NodeGrpc.newBlockingStub(channel), target, hostNqn, work);
            probe.run();
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
        unreachableTargetIsUnavailable();

        Volume ext4 = new Volume(UUID.randomUUID(), 320 * MiB, mount("ext4"));
        Volume xfs = new Volume(UUID.randomUUID(), 512 * MiB, mount("xfs"));
        Volume block = new Volume(UUID.randomUUID(), 64 * MiB, block());
        List<Volume> all = List.of(ext4, xfs, block);
        for (Volume v : all) v.context = target.export(v.uuid, v.size, hostNqn);

        for (Volume v : all) {
            stage(v);
            stage(v); // idempotent
        }
        check(mountAt(ext4.staging()).filter(m -> m.contains(" ext4 ")).isPresent(), "ext4 mounted at staging");
        check(mountAt(xfs.staging()).filter(m -> m.contains(" xfs ")).isPresent(), "xfs mounted at staging");
        pass("stage ext4, xfs and block side by side, twice each");

        for (Volume v : all) {
            publish(v, v.target(), false);
            publish(v, v.target(), false); // idempotent
        }
        pass("publish, twice each");

        String ext4Sum = writeFiles(ext4.target());
        String xfsSum = writeFiles(xfs.target());
        byte[] pattern = writeBlock(block.target());
        pass("write files and blocks");

        for (Volume v : List.of(ext4, xfs)) {
            NodeGetVolumeStatsResponse stats = stats(v, v.target());
            VolumeUsage bytes = usage(stats, VolumeUsage.Unit.BYTES);
            VolumeUsage inodes = usage(stats, VolumeUsage.Unit.INODES);
            check(bytes.getTotal() > v.size / 2 && bytes.getTotal() <= v.size, v + " total bytes " + bytes);
            check(bytes.getUsed() >= MiB, v + " used bytes " + bytes);
            check(bytes.getAvailable() > 0 && bytes.getAvailable() < bytes.getTotal(), v + " available " + bytes);
            check(inodes.getTotal() > 0 && inodes.getUsed() > 0, v + " inodes " + inodes);
            check(!stats.getVolumeCondition().getAbnormal(), v + " condition " + stats.getVolumeCondition());
            v.statsTotal = bytes.getTotal();
        }
        NodeGetVolumeStatsResponse blockStats = stats(block, block.target());
        check(usage(blockStats, VolumeUsage.Unit.BYTES).getTotal() == block.size, "block total " + blockStats);
        check(!blockStats.getVolumeCondition().getAbnormal(), "block condition " + blockStats);
        pass("stats: bytes, inodes, condition");

        for (Volume v : all) {
            long grown = v.size + 128 * MiB;
            target.grow(v.uuid, grown);
            long capacity = node.withDeadlineAfter(CALL.toMillis(), TimeUnit.MILLISECONDS)
                    .nodeExpandVolume(NodeExpandVolumeRequest.newBuilder()
                            .setVolumeId(v.id())
                            .setVolumePath(v.target().toString())
                            .setStagingTargetPath(v.staging().toString())
                            .setVolumeCapability(v.capability)
                            .setCapacityRange(io.peregrine.csi.v1.CapacityRange.newBuilder()
                                    .setRequiredBytes(grown))
                            .build())
                    .getCapacityBytes();
            check(capacity >= grown, v + " expanded to " + capacity + ", wanted " + grown);
            v.size = grown;
        }
        for (Volume v : List.of(ext4, xfs)) {
            long total = usage(stats(v, v.target()), VolumeUsage.Unit.BYTES).getTotal();
            check(total > v.statsTotal + 64 * MiB, v + " filesystem grew from " + v.statsTotal + " to " + total);
        }
        check(usage(stats(block, block.target()), VolumeUsage.Unit.BYTES).getTotal() == block.size, "block grew");
        pass("expand online: rescan, resize2fs, xfs_growfs");

        check(readFiles(ext4.target()).equals(ext4Sum), "ext4 data read back");
        check(readFiles(xfs.target()).equals(xfsSum), "xfs data read back");
        check(java.util.Arrays.equals(readBlock(block.target()), pattern), "block data read back");
        pass("read back after expand");

        Path readOnly = work.resolve("pods/ro/" + ext4.uuid);
        publish(ext4, readOnly, true);
        check(readFiles(readOnly).equals(ext4Sum), "read-only publish shows the data");
        check(cannotWrite(readOnly.resolve("nope.txt")), "read-only publish refuses writes");
        unpublish(ext4, readOnly);
        Path readOnlyBlock = work.resolve("pods/ro/" + block.uuid + "/dev");
        try {
            publish(block, readOnlyBlock, true);
            throw new AssertionError("read-only block publish beside a read-write one succeeded");
        } catch (StatusRuntimeException e) {
            check(e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION, "ro beside rw: " + e.getStatus());
        }
        unpublish(block, block.target());
        publish(block, readOnlyBlock, true);
        check(java.util.Arrays.equals(readBlock(readOnlyBlock), pattern), "read-only block shows the data");
        check(cannotWriteBlock(readOnlyBlock), "read-only block refuses writes");
        unpublish(block, readOnlyBlock);
        publish(block, block.target(), false);
        writeBlock(block.target());
        pass("read-only publish");

        for (Volume v : all) {
            unpublish(v, v.target());
            unpublish(v, v.target()); // idempotent
            check(!Files.exists(v.target()), v + " target removed");
            unstage(v);
            unstage(v); // idempotent
            check(mountAt(v.staging()).isEmpty(), v + " nothing mounted at staging");
            check(controllers(v.context.subsystemNqn()).isEmpty(), v + " disconnected");
        }
        check(mountsMentioning("nvme").isEmpty(), "no NVMe mount left: " + mountsMentioning("nvme"));
        pass("unpublish and unstage, twice each; nothing left behind");

        target.stop();
        target.start();
        stage(ext4);
        publish(ext4, ext4.target(), false);
        check(readFiles(ext4.target()).equals(ext4Sum), "data after the target restarted");
        pass("stage after the target restarted");

        target.stop();
        await(
                () -> stats(ext4, ext4.target()).getVolumeCondition().getAbnormal(),
                Duration.ofSeconds(30),
                "condition turns abnormal while the target is down");
        target.start();
        await(
                () -> !stats(ext4, ext4.target()).getVolumeCondition().getAbnormal(),
                Duration.ofSeconds(60),
                "condition recovers when the target is back");
        check(readFiles(ext4.target()).equals(ext4Sum), "data after the outage");
        Files.writeString(ext4.target().resolve("after-outage.txt"), "still writable");
        unpublish(ext4, ext4.target());
        unstage(ext4);
        pass("condition follows a target outage; I/O resumes after it");

        Volume doomed = new Volume(UUID.randomUUID(), 256 * MiB, mount("ext4"));
        doomed.context = target.export(doomed.uuid, doomed.size, hostNqn);
        stage(doomed);
        publish(doomed, doomed.target(), false);
        // dirty page-cache data the filesystem can never write back
        Files.write(doomed.target().resolve("unsynced.bin"), new byte[4 * (int) MiB]);
        target.stop();
        await(
                () -> stats(doomed, doomed.target()).getVolumeCondition().getAbnormal(),
                Duration.ofSeconds(30),
                "condition turns abnormal when the target is gone");
        long unstaging = System.nanoTime();
        unpublish(doomed, doomed.target());
        unstage(doomed);
        Duration took = Duration.ofNanos(System.nanoTime() - unstaging);
        check(took.compareTo(Duration.ofSeconds(75)) < 0, "unstage with the target gone took " + took);
        check(mountAt(doomed.staging()).isEmpty(), "staging detached");
        check(controllers(doomed.context.subsystemNqn()).isEmpty(), "controller deleted");
        pass("unstage with the target gone finished in " + took.toMillis() + " ms");
    }

    private final long started = System.nanoTime();

    /** One scenario passed; the time since the probe started helps keep the boot short. */
    private void pass(String scenario) {
        System.out.printf("PASS %s (at %.1f s)%n", scenario, (System.nanoTime() - started) / 1e9);
    }

    private void unreachableTargetIsUnavailable() {
        Volume v = new Volume(UUID.randomUUID(), 64 * MiB, mount("ext4"));
        v.context = new PublishContext(
                "nqn.2026-11.io.peregrine:vol:" + v.uuid,
                List.of(TargetAddress.tcp("127.0.0.1", 4499)),
                VolumeTarget.nguidOf(v.uuid),
                Optional.of(v.uuid));
        try {
            stage(v);
            throw new AssertionError("staging from a port nobody listens on succeeded");
        } catch (StatusRuntimeException e) {
            check(e.getStatus().getCode() == Status.Code.UNAVAILABLE, "unreachable target: " + e.getStatus());
        }
        pass("unreachable target is UNAVAILABLE");
    }

    // ---------------------------------------------------------------------------- calls

    private void stage(Volume v) {
        node.withDeadlineAfter(CALL.toMillis(), TimeUnit.MILLISECONDS)
                .nodeStageVolume(NodeStageVolumeRequest.newBuilder()
                        .setVolumeId(v.id())
                        .setStagingTargetPath(v.staging().toString())
                        .setVolumeCapability(v.capability)
                        .putAllPublishContext(v.context.toMap())
                        .build());
    }

    private void unstage(Volume v) {
        node.withDeadlineAfter(CALL.toMillis(), TimeUnit.MILLISECONDS)
                .nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder()
                        .setVolumeId(v.id())
                        .setStagingTargetPath(v.staging().toString())
                        .build());
    }

    private void publish(Volume v, Path at, boolean readOnly) {
        node.withDeadlineAfter(CALL.toMillis(), TimeUnit.MILLISECONDS)
                .nodePublishVolume(NodePublishVolumeRequest.newBuilder()
                        .setVolumeId(v.id())
                        .setStagingTargetPath(v.staging().toString())
                        .setTargetPath(at.toString())
                        .setVolumeCapability(v.capability)
                        .setReadonly(readOnly)
                        .putAllPublishContext(v.context.toMap())
                        .build());
    }

    private void unpublish(Volume v, Path at) {
        node.withDeadlineAfter(CALL.toMillis(), TimeUnit.MILLISECONDS)
                .nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder()
                        .setVolumeId(v.id())
                        .setTargetPath(at.toString())
                        .build());
    }

    private NodeGetVolumeStatsResponse stats(Volume v, Path at) {
        return node.withDeadlineAfter(CALL.toMillis(), TimeUnit.MILLISECONDS)
                .nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder()
                        .setVolumeId(v.id())
                        .setVolumePath(at.toString())
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

    private static byte[] writeBlock(Path device) throws IOException {
        byte[] pattern =
                ("peregrine raw block " + device).repeat(200).substring(0, 4096).getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(device, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(pattern), MiB);
            ch.force(true);
        }
        return pattern;
    }

    private static byte[] readBlock(Path device) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        try (FileChannel ch = FileChannel.open(device, StandardOpenOption.READ)) {
            while (buf.hasRemaining()) {
                if (ch.read(buf, MiB + buf.position()) < 0) break;
            }
        }
        return buf.array();
    }

    private static boolean cannotWriteBlock(Path device) {
        try (FileChannel ch = FileChannel.open(device, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(4096), 0);
            ch.force(true);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static boolean cannotWrite(Path file) {
        try {
            Files.writeString(file, "must not land");
            return false;
        } catch (IOException e) {
            return e.getMessage() != null && e.getMessage().contains("Read-only");
        }
    }

    // ---------------------------------------------------------------------------- state

    private static Optional<String> mountAt(Path path) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.split(" ")[4].equals(path.toString()))
                .findFirst();
    }

    private static List<String> mountsMentioning(String text) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.contains(text))
                .toList();
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

    private static void await(Check condition, Duration limit, String what) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            if (condition.holds()) return;
            if (System.nanoTime() > deadline) throw new AssertionError("not within " + limit + ": " + what);
            Thread.sleep(500);
        }
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void check(boolean condition, String what) {
        if (!condition) throw new AssertionError(what);
    }

    private static void awaitSocket(Path socket, Process plugin) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!Files.exists(socket)) {
            if (!plugin.isAlive()) throw new AssertionError("the node plugin exited with " + plugin.exitValue());
            if (System.nanoTime() > deadline) throw new AssertionError("the node plugin did not open " + socket);
            Thread.sleep(100);
        }
    }

    private static VolumeCapability mount(String fs) {
        return VolumeCapability.newBuilder()
                .setMount(VolumeCapability.MountVolume.newBuilder().setFsType(fs))
                .setAccessMode(VolumeCapability.AccessMode.newBuilder()
                        .setMode(VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER))
                .build();
    }

    private static VolumeCapability block() {
        return VolumeCapability.newBuilder()
                .setBlock(VolumeCapability.BlockVolume.getDefaultInstance())
                .setAccessMode(VolumeCapability.AccessMode.newBuilder()
                        .setMode(VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER))
                .build();
    }

    /** One volume under test and where kubelet would stage and publish it. */
    private final class Volume {
        final UUID uuid;
        final VolumeCapability capability;
        long size;
        long statsTotal;
        PublishContext context;

        Volume(UUID uuid, long size, VolumeCapability capability) {
            this.uuid = uuid;
            this.size = size;
            this.capability = capability;
        }

        String id() {
            return NODE + "/" + uuid;
        }

        Path staging() {
            return work.resolve("staging").resolve(uuid.toString());
        }

        Path target() {
            return capability.hasBlock()
                    ? work.resolve("pods").resolve(uuid.toString()).resolve("dev")
                    : work.resolve("pods").resolve(uuid.toString()).resolve("mount");
        }

        @Override
        public String toString() {
            return (capability.hasBlock() ? "block" : capability.getMount().getFsType()) + " " + uuid;
        }
    }
}
