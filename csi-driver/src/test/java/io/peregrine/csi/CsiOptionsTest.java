package io.peregrine.csi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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

    private static void assertMessage(String expected, String... args) {
        CsiOptions.UsageException e = assertThrows(
                CsiOptions.UsageException.class, () -> CsiOptions.parse(args, Map.of("KUBE_NODE_NAME", "n")));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
