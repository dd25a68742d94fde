package io.peregrine.csi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsiOptionsTest {

    @Test
    void nodeModeNeedsOnlyAnEndpoint() {
        CsiOptions o = CsiOptions.parse(
                new String[] {"--mode", "node", "--endpoint", "unix:///csi/csi.sock"}, Map.of("KUBE_NODE_NAME", "w1"));
        assertEquals(List.of(CsiOptions.Role.NODE), o.roles());
        assertEquals(Path.of("/csi/csi.sock"), o.endpoint().orElseThrow().socket());
        assertEquals("w1", o.nodeId());
        assertEquals(Path.of("/etc/nvme"), o.nvmeDir());
        assertEquals(600, o.ctrlLossTmoSeconds());
    }

    @Test
    void flagsTakeEitherSpelling() {
        CsiOptions o = CsiOptions.parse(
                new String[] {
                    "--mode=controller",
                    "--endpoint=unix:///c.sock",
                    "--dataplane",
                    "unix:///run/dp.sock",
                    "--node-id=n7",
                    "--device-wait",
                    "5",
                    "--unmount-timeout=3",
                    "--max-volumes-per-node=32"
                },
                Map.of());
        assertEquals(List.of(CsiOptions.Role.CONTROLLER), o.roles());
        assertEquals("n7", o.nodeId());
        assertEquals(Duration.ofSeconds(5), o.deviceWait());
        assertEquals(Duration.ofSeconds(3), o.unmountTimeout());
        assertEquals(32, o.maxVolumesPerNode());
    }

    @Test
    void localServesBothRoles() {
        CsiOptions o = CsiOptions.parse(
                new String[] {"local", "--dataplane", "unix:///run/dp.sock", "--socket-dir", "/tmp/x"},
                Map.of("KUBE_NODE_NAME", "n"));
        assertEquals(CsiOptions.Command.LOCAL, o.command());
        assertEquals(List.of(CsiOptions.Role.CONTROLLER, CsiOptions.Role.NODE), o.roles());
    }

    @Test
    void mistakesSayWhatToDo() {
        assertMessage("--endpoint is required", "--mode", "node");
        assertMessage("the controller needs a dataplane", "--endpoint", "unix:///c.sock");
        assertMessage("--mode must be", "--mode", "both", "--endpoint", "unix:///c.sock");
        assertMessage("unknown option --frobnicate", "--frobnicate", "1");
        assertMessage("wants a number", "--device-wait", "soon");
        assertMessage("must be a Unix socket", "--endpoint", "tcp://0:1");
        assertMessage("needs a value", "--endpoint");
    }

    @Test
    void aClusterControllerReadsStorageNodesAndNeedsTls(@TempDir Path dir) throws IOException {
        for (String f : List.of("tls.crt", "tls.key", "ca.crt")) Files.writeString(dir.resolve(f), "pem");
        CsiOptions o = CsiOptions.parse(
                new String[] {
                    "--mode=controller",
                    "--endpoint=unix:///c.sock",
                    "--node-directory=kubernetes",
                    "--tls-cert=" + dir.resolve("tls.crt"),
                    "--tls-key=" + dir.resolve("tls.key"),
                    "--tls-ca=" + dir.resolve("ca.crt")
                },
                Map.of("KUBE_NODE_NAME", "n"));
        assertEquals(CsiOptions.Directory.KUBERNETES, o.nodeDirectory());
        assertEquals("peregrine-dataplane", o.tls().orElseThrow().serverName());
        assertEquals(dir.resolve("ca.crt"), o.tls().orElseThrow().trustedCa());

        String[] base = {"--mode=controller", "--endpoint=unix:///c.sock", "--node-directory=kubernetes"};
        assertMessage("--node-directory kubernetes needs --tls-cert, --tls-key and --tls-ca", base);
        assertMessage("missing --tls-key, --tls-ca", concat(base, "--tls-cert=" + dir.resolve("tls.crt")));
        assertMessage(
                "TLS file " + dir.resolve("gone.key") + " is not readable",
                concat(
                        base,
                        "--tls-cert=" + dir.resolve("tls.crt"),
                        "--tls-key=" + dir.resolve("gone.key"),
                        "--tls-ca=" + dir.resolve("ca.crt")));
        assertMessage("--dataplane names the one dataplane", concat(base, "--dataplane=unix:///run/dp.sock"));
        assertMessage("csi local serves one local dataplane", "local", "--node-directory=kubernetes");
        assertMessage("--node-directory must be local or kubernetes", concat(base, "--node-directory=etcd"));
    }

    @Test
    void theNodePluginNeedsNoTlsInACluster() {
        CsiOptions o = CsiOptions.parse(
                new String[] {"--mode=node", "--endpoint=unix:///n.sock", "--node-directory=kubernetes"},
                Map.of("KUBE_NODE_NAME", "n"));
        assertTrue(o.tls().isEmpty());
    }

    private static String[] concat(String[] base, String... more) {
        String[] out = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, out, base.length, more.length);
        return out;
    }

    private static void assertMessage(String expected, String... args) {
        CsiOptions.UsageException e = assertThrows(
                CsiOptions.UsageException.class, () -> CsiOptions.parse(args, Map.of("KUBE_NODE_NAME", "n")));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
