package io.peregrine.e2e.node;

import static io.peregrine.csi.conformance.Csi.assertCode;
import static io.peregrine.csi.conformance.Csi.mount;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status.Code;
import io.peregrine.csi.CsiDriver;
import io.peregrine.csi.server.EpollTransport;
import io.peregrine.csi.v1.CapacityRange;
import io.peregrine.csi.v1.ControllerGrpc;
import io.peregrine.csi.v1.CreateVolumeRequest;
import io.peregrine.csi.v1.GetPluginInfoRequest;
import io.peregrine.csi.v1.GetPluginInfoResponse;
import io.peregrine.csi.v1.IdentityGrpc;
import io.peregrine.csi.v1.ProbeRequest;
import io.peregrine.csi.v1.Volume;
import io.peregrine.dataplane.cli.CliMain;
import io.peregrine.dataplane.cli.Environment;
import io.peregrine.local.LocalMain;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./peregrine local} as a newcomer runs it, in its own JVM: the banner names the CSI
 * sockets, both answer Identity, a volume made through the controller socket is what
 * {@code ./peregrine volume list} (run from the same directory, finding the socket by default)
 * shows, and Ctrl-C (SIGTERM) stops it cleanly.
 */
class LocalModeSmokeTest {

    @Test
    void localServesCsiSocketsAndTheCliSeesWhatTheControllerCreated(@TempDir Path work) throws Exception {
        Path data = work.resolve(".peregrine");
        Process local = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElseThrow(),
                        "--enable-native-access=ALL-UNNAMED",
                        "-XX:TieredStopAtLevel=1",
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        LocalMain.class.getName(),
                        "--data-dir",
                        data.toString(),
                        "--size",
                        "256M",
                        "--target.listen",
                        "127.0.0.1:0",
                        "--metrics.listen",
                        "127.0.0.1:0")
                .redirectErrorStream(true)
                .start();
        ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        CompletableFuture<Void> banner = new CompletableFuture<>();
        Thread pump = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(local.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                    if (line.startsWith("Ctrl-C stops")) banner.complete(null);
                }
            } catch (IOException e) {
                // the process ended
            }
            banner.completeExceptionally(new AssertionError("local mode ended before its banner:\n" + output(lines)));
        });
        try (EpollTransport transport = new EpollTransport()) {
            banner.get(90, TimeUnit.SECONDS);
            Path controllerSocket = data.resolve("csi").resolve("controller.sock");
            Path nodeSocket = data.resolve("csi").resolve("node.sock");
            String printed = output(lines);
            assertTrue(printed.contains("CSI         unix://" + controllerSocket), printed);
            assertTrue(printed.contains("CSI         unix://" + nodeSocket), printed);

            ManagedChannel controller = transport.channelTo(controllerSocket);
            ManagedChannel node = transport.channelTo(nodeSocket);
            try {
                for (ManagedChannel channel : List.of(controller, node)) {
                    GetPluginInfoResponse info =
                            identity(channel).getPluginInfo(GetPluginInfoRequest.getDefaultInstance());
                    assertEquals(CsiDriver.NAME, info.getName());
                    assertFalse(info.getVendorVersion().isEmpty());
                }
                assertTrue(
                        identity(controller)
                                .probe(ProbeRequest.getDefaultInstance())
                                .getReady()
                                .getValue(),
                        "the controller is ready: its dataplane answers");
                if (Files.exists(Path.of("/dev/nvme-fabrics"))) {
                    assertTrue(identity(node)
                            .probe(ProbeRequest.getDefaultInstance())
                            .getReady()
                            .getValue());
                } else {
                    // the node plugin cannot attach anything here, and says so (CSI: Probe MAY fail
                    // with FAILED_PRECONDITION when a dependency is missing)
                    var e = assertCode(
                            Code.FAILED_PRECONDITION, () -> identity(node).probe(ProbeRequest.getDefaultInstance()));
                    assertTrue(e.getStatus().getDescription().contains("modprobe nvme-tcp"), e::toString);
                }
                Volume v = ControllerGrpc.newBlockingStub(controller)
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .createVolume(CreateVolumeRequest.newBuilder()
                                .setName("pvc-smoke")
                                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(32L << 20))
                                .addVolumeCapabilities(mount("ext4"))
                                .build())
                        .getVolume();
                String uuid = v.getVolumeId().substring(v.getVolumeId().indexOf('/') + 1);

                // ./peregrine volume list, from the directory local mode was started in
                Files.writeString(work.resolve("hostnqn"), RealNode.HOST_NQN + "\n");
                Environment env =
                        new Environment(work, Map.of(), work.resolve("no-node-daemon.sock"), work.resolve("hostnqn"));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                int status = CliMain.run(
                        new String[] {"volume", "list", "--output", "json"},
                        env,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
                String listed = out.toString(StandardCharsets.UTF_8);
                assertEquals(0, status, () -> listed + err.toString(StandardCharsets.UTF_8));
                assertTrue(listed.contains(uuid), listed);
                assertTrue(listed.contains("\"local\""), "in local mode's pool: " + listed);
            } finally {
                controller.shutdownNow();
                node.shutdownNow();
            }
        } finally {
            local.destroy(); // SIGTERM, what Ctrl-C amounts to
            boolean stopped = local.waitFor(30, TimeUnit.SECONDS);
            if (!stopped) local.destroyForcibly().waitFor();
            pump.join(5_000);
            assertTrue(stopped, "local mode stops on SIGTERM:\n" + output(lines));
        }
        assertTrue(Files.exists(data.resolve("pool.img")));
    }

    private static IdentityGrpc.IdentityBlockingStub identity(ManagedChannel channel) {
        return IdentityGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static String output(ConcurrentLinkedQueue<String> lines) {
        return String.join("\n", lines) + "\n";
    }
}
