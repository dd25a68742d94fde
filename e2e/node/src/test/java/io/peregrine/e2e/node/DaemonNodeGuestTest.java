package io.peregrine.e2e.node;

import static io.peregrine.csi.conformance.Csi.block;
import static io.peregrine.csi.conformance.Csi.mount;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peregrine.csi.v1.CapacityRange;
import io.peregrine.csi.v1.ControllerExpandVolumeRequest;
import io.peregrine.csi.v1.ControllerPublishVolumeRequest;
import io.peregrine.csi.v1.ControllerUnpublishVolumeRequest;
import io.peregrine.csi.v1.CreateVolumeRequest;
import io.peregrine.csi.v1.DeleteVolumeRequest;
import io.peregrine.csi.v1.Volume;
import io.peregrine.csi.v1.VolumeCapability;
import io.peregrine.csi.volume.PublishContext;
import io.peregrine.csi.volume.TargetAddress;
import io.peregrine.e2e.lab.GuestLab;
import io.peregrine.e2e.lab.GuestResult;
import io.peregrine.e2e.lab.GuestSpec;
import io.peregrine.e2e.lab.GuestTest;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CSI node plugin in a guest (real kernel, nvme-cli, mkfs, mount) against the real daemon's
 * NVMe/TCP target on the host, with the CSI controller on the host doing CreateVolume,
 * ControllerPublish (allowing the guest's host NQN) and ControllerExpand: ext4, xfs and raw block
 * through Stage, Publish, write, stats, Expand, read back, Unpublish and Unstage; then a volume
 * staged again after the daemon restarted, and one unstaged after the daemon went away for good.
 * One boot.
 */
@GuestTest
class DaemonNodeGuestTest {

    private static final long MiB = 1L << 20;
    /** The guest node's host NQN: the plugin is told it, the controller publishes to it. */
    private static final String GUEST_NQN = "nqn.2014-08.org.nvmexpress:uuid:7a1c2e3f-4b5d-4c6e-8f70-8192a3b4c5d6";

    private static final List<String> STEPS = List.of(
            "PASS plugin up, 3 volumes from the daemon",
            "PASS stage and publish ext4, xfs and block from the daemon's target, twice each",
            "PASS write files and blocks",
            "PASS stats: bytes, inodes, condition",
            "PASS controller expand + NodeExpand: rescan, resize2fs, xfs_growfs",
            "PASS read back after expand",
            "PASS unpublish and unstage, twice each; nothing left behind",
            "PASS stage after the daemon restarted: the data is there",
            "PASS unstage with the daemon gone finished in");

    @Test
    void theNodePluginAttachesGrowsAndDetachesVolumesFromTheDaemon(GuestLab lab, @TempDir Path dir, @TempDir Path share)
            throws Exception {
        // a fixed port for this test's daemon, so that the guest's controllers find it again after
        // a restart (the target binds with SO_REUSEADDR)
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        try (RealNode node = RealNode.start(dir, "127.0.0.1:" + port, 4L << 30, GUEST_NQN)) {
            Map<String, Volume> volumes = new LinkedHashMap<>();
            volumes.put("ext4", create(node, "ext4", 320 * MiB, mount("ext4")));
            volumes.put("xfs", create(node, "xfs", 512 * MiB, mount("xfs")));
            volumes.put("block", create(node, "block", 64 * MiB, block()));

            Properties p = new Properties();
            p.setProperty("names", String.join(",", volumes.keySet()));
            for (var e : volumes.entrySet()) {
                Volume v = e.getValue();
                String name = e.getKey();
                VolumeCapability capability = name.equals("block") ? block() : mount(name);
                Map<String, String> context = node.controller()
                        .controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder()
                                .setVolumeId(v.getVolumeId())
                                .setNodeId(RealNode.NODE)
                                .setVolumeCapability(capability)
                                .build())
                        .getPublishContextMap();
                p.setProperty(name + ".id", v.getVolumeId());
                p.setProperty(name + ".fs", name.equals("block") ? "" : name);
                p.setProperty(name + ".size", Long.toString(v.getCapacityBytes()));
                seenFromTheGuest(context).forEach((k, val) -> p.setProperty(name + ".ctx." + k, val));
            }
            write(share.resolve(DaemonNodeGuestProbe.VOLUMES), p);

            Thread controllerHalf =
                    Thread.ofPlatform().daemon().name("host-side").start(() -> answer(node, volumes, share));
            GuestResult result = lab.runJava(
                    GuestSpec.builder()
                            .memory("2G")
                            .hugepages(0)
                            .module("ext4")
                            .module("xfs")
                            .module("crc32c_generic")
                            .share(share)
                            .timeout(Duration.ofMinutes(5))
                            .build(),
                    DaemonNodeGuestProbe.JVM_OPTIONS,
                    DaemonNodeGuestProbe.class.getName(),
                    List.of("/run/csi-e2e", share.toString(), GUEST_NQN));
            controllerHalf.interrupt();
            controllerHalf.join(5_000);

            result.stdout().lines().filter(l -> l.startsWith("PASS")).forEach(System.out::println);
            System.out.println("guest run took " + result.elapsed().toMillis() + " ms");
            assertEquals(0, result.exitCode(), result::describe);
            for (String step : STEPS) {
                assertTrue(
                        result.stdout().lines().anyMatch(l -> l.startsWith(step)),
                        () -> "missing '" + step + "'\n" + result.describe());
            }

            // the controller cleans up after the node detached
            node.startDaemon();
            for (Volume v : volumes.values()) {
                // the plugin's channel to the restarted daemon may still be in its reconnect backoff
                untilAvailable(() -> node.controller()
                        .controllerUnpublishVolume(ControllerUnpublishVolumeRequest.newBuilder()
                                .setVolumeId(v.getVolumeId())
                                .setNodeId(RealNode.NODE)
                                .build()));
                untilAvailable(() -> node.controller()
                        .deleteVolume(DeleteVolumeRequest.newBuilder()
                                .setVolumeId(v.getVolumeId())
                                .build()));
            }
            assertEquals(0, node.daemon().node().exports().all().size());
        }
    }

    private static Volume create(RealNode node, String name, long bytes, VolumeCapability capability) {
        return node.controller()
                .createVolume(CreateVolumeRequest.newBuilder()
                        .setName("pvc-guest-" + name)
                        .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(bytes))
                        .addVolumeCapabilities(capability)
                        .build())
                .getVolume();
    }

    /** The daemon listens on the host's loopback, which the guest reaches as 10.0.2.2. */
    private static Map<String, String> seenFromTheGuest(Map<String, String> context) {
        PublishContext c = PublishContext.fromMap(context);
        return new PublishContext(
                        c.subsystemNqn(),
                        c.targets().stream()
                                .map(t -> TargetAddress.tcp("10.0.2.2", Integer.parseInt(t.trsvcid())))
                                .toList(),
                        c.nguid(),
                        c.namespaceUuid())
                .toMap();
    }

    /**
     * The host's side of what the guest asks for through the share: the controller's half of an
     * expansion, a daemon restart, the daemon gone for good. Each request file gets an answer file.
     */
    private static void answer(RealNode node, Map<String, Volume> volumes, Path share) {
        try {
            await(share.resolve(DaemonNodeGuestProbe.EXPAND_REQUEST));
            Properties sizes = new Properties();
            for (var e : volumes.entrySet()) {
                long grown = e.getValue().getCapacityBytes() + 128 * MiB;
                VolumeCapability capability = e.getKey().equals("block") ? block() : mount(e.getKey());
                long capacity = node.controller()
                        .controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder()
                                .setVolumeId(e.getValue().getVolumeId())
                                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(grown))
                                .setVolumeCapability(capability)
                                .build())
                        .getCapacityBytes();
                sizes.setProperty(e.getKey(), Long.toString(capacity));
            }
            write(share.resolve(DaemonNodeGuestProbe.EXPANDED), sizes);

            await(share.resolve(DaemonNodeGuestProbe.RESTART_REQUEST));
            node.stopDaemon();
            node.startDaemon();
            write(share.resolve(DaemonNodeGuestProbe.RESTARTED), new Properties());

            await(share.resolve(DaemonNodeGuestProbe.STOP_REQUEST));
            node.stopDaemon();
            write(share.resolve(DaemonNodeGuestProbe.STOPPED), new Properties());
        } catch (InterruptedException e) {
            // the guest finished without asking
        }
    }

    private static void untilAvailable(Runnable call) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
            try {
                call.run();
                return;
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || System.nanoTime() > deadline) throw e;
                Thread.sleep(1_000);
            }
        }
    }

    private static void await(Path file) throws InterruptedException {
        while (!Files.exists(file)) {
            Thread.sleep(200);
        }
    }

    private static void write(Path file, Properties p) {
        try {
            StringWriter w = new StringWriter();
            p.store(w, null);
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            Files.writeString(partial, w.toString());
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
