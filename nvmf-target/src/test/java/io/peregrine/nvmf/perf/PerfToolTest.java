package io.peregrine.nvmf.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.nvmf.core.Nqn;
import io.peregrine.nvmf.core.Port;
import io.peregrine.nvmf.namespace.MemoryNamespace;
import io.peregrine.nvmf.target.NvmfTarget;
import java.net.InetSocketAddress;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The perf tool's command line, and a short verified run against a target in this JVM. */
class PerfToolTest {

    @Test
    void parsesSpdkTransportIds() {
        TransportId id = TransportId.parse(
                "trtype:tcp adrfam:ipv4 traddr:127.0.0.1 trsvcid:4420 subnqn:nqn.2026-11.io.peregrine:x ns:2");
        assertEquals(4420, id.address().getPort());
        assertEquals("nqn.2026-11.io.peregrine:x", id.subnqn());
        assertEquals(2, id.nsid());
        IllegalArgumentException rdma = assertThrows(
                IllegalArgumentException.class,
                () -> TransportId.parse("trtype:rdma traddr:1.2.3.4 subnqn:nqn.2026-11.io.peregrine:x"));
        assertTrue(rdma.getMessage().contains("trtype:tcp"), rdma.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TransportId.parse("trtype:tcp traddr:1.2.3.4"));
        assertThrows(IllegalArgumentException.class, () -> TransportId.parse("trtype:tcp traddr:1.2.3.4 subnqn:bogus"));
    }

    @Test
    void checksItsOptions() {
        String r = "trtype:tcp traddr:127.0.0.1 trsvcid:4420 subnqn:nqn.2026-11.io.peregrine:x";
        PerfOptions options = PerfOptions.parse(
                new String[] {"-r", r, "-q", "8", "-o", "64K", "-w", "randrw", "-M", "70", "-t", "3"});
        assertEquals(65536, options.ioSize());
        assertEquals(70, options.readPercent());
        assertEquals(
                50, PerfOptions.parse(new String[] {"-r", r, "-w", "randrw"}).readPercent());
        assertEquals(java.time.Duration.ofSeconds(30), options.ioTimeout());
        assertEquals(java.time.Duration.ofSeconds(5), options.keepAlive());
        PerfOptions timeouts =
                PerfOptions.parse(new String[] {"-r", r, "-w", "read", "--io-timeout", "0.5", "--kato", "0"});
        assertEquals(java.time.Duration.ofMillis(500), timeouts.ioTimeout());
        assertEquals(java.time.Duration.ZERO, timeouts.keepAlive());
        assertThrows(
                IllegalArgumentException.class,
                () -> PerfOptions.parse(new String[] {"-r", r, "-w", "read", "--io-timeout", "-1"}));
        assertThrows(
                IllegalArgumentException.class,
                () -> PerfOptions.parse(new String[] {"-r", r, "-w", "read", "--kato", "soon"}));
        assertThrows(IllegalArgumentException.class, () -> PerfOptions.parse(new String[] {"-r", r}));
        assertThrows(
                IllegalArgumentException.class,
                () -> PerfOptions.parse(new String[] {"-r", r, "-w", "read", "-M", "5"}));
        assertThrows(IllegalArgumentException.class, () -> PerfOptions.parse(new String[] {"-r", r, "-w", "seqread"}));
        assertThrows(
                IllegalArgumentException.class,
                () -> PerfOptions.parse(new String[] {"-r", r, "-w", "read", "-o", "100"}));
    }

    @Test
    void aVerifiedRunReportsIopsLatencyAndItsOwnCost() throws Exception {
        UUID volume = UUID.randomUUID();
        String host = Nqn.forHost(UUID.randomUUID());
        try (NvmfTarget target = NvmfTarget.builder().threads(1).build()) {
            Port port = target.listen(new InetSocketAddress("127.0.0.1", 0));
            target.exportVolume(volume, new MemoryNamespace(4096, 8192)).allowHost(host);
            String r = "trtype:tcp traddr:127.0.0.1 trsvcid:" + port.port() + " subnqn:" + Nqn.forVolume(volume)
                    + " hostnqn:" + host;
            PerfResult result = PerfMain.run(PerfOptions.parse(new String[] {
                "-r",
                r,
                "-q",
                "8",
                "-o",
                "8K",
                "-w",
                "randrw",
                "-M",
                "60",
                "-t",
                "1",
                "--warmup",
                "0.3",
                "--verify",
                "--span",
                "4M",
                "--queues",
                "2"
            }));
            assertTrue(result.ios() > 100, "I/Os done: " + result.ios());
            assertEquals(0, result.errors());
            assertEquals(0, result.mismatches(), result.firstMismatch());
            assertTrue(result.verifiedBlocks() > 0);
            assertTrue(result.latencyNanos()[1] > 0 && result.latencyNanos()[4] >= result.latencyNanos()[2]);
            String json = result.toJson();
            assertTrue(
                    json.startsWith("{\"workload\":\"randrw\"") && json.contains("\"iops\":") && json.endsWith("}"),
                    json);
            assertTrue(result.toText().contains("IOPS"), result.toText());
        }
    }
}
