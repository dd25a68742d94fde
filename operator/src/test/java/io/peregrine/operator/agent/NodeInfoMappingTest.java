package io.peregrine.operator.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.Timestamp;
import io.peregrine.dataplane.api.v1.Device;
import io.peregrine.dataplane.api.v1.DeviceHealth;
import io.peregrine.dataplane.api.v1.DmaMemory;
import io.peregrine.dataplane.api.v1.Health;
import io.peregrine.dataplane.api.v1.HealthCheck;
import io.peregrine.dataplane.api.v1.NodeInfo;
import io.peregrine.dataplane.api.v1.Reactor;
import io.peregrine.dataplane.api.v1.TransportAddress;
import io.peregrine.operator.crd.StorageNodeStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeInfoMappingTest {

    private final NodeInfo info = NodeInfo.newBuilder()
            .setNodeName("host-17")
            .setVersion("0.1.0")
            .setHostNqn("nqn.2014-08.org.nvmexpress:uuid:abc")
            .addListeners(TransportAddress.newBuilder()
                    .setTrtype("tcp")
                    .setAdrfam("ipv4")
                    .setTraddr("10.0.0.7")
                    .setTrsvcid("4420"))
            .addReactors(Reactor.newBuilder().setId(0).setCore(5))
            .addReactors(Reactor.newBuilder().setId(1).setCore(-1))
            .addReactors(Reactor.newBuilder().setId(2).setCore(4))
            .setDmaMemory(DmaMemory.newBuilder()
                    .setHugepageSizeBytes(2L << 20)
                    .setHugepagesTotal(512)
                    .setFallbackSmallPages(false))
            .addDevices(Device.newBuilder()
                    .setUri("pcie://0000:00:04.0")
                    .setKind(Device.Kind.NVME_PCIE)
                    .setModel("M")
                    .setSerial("S")
                    .setSizeBytes(1L << 40)
                    .setHealth(DeviceHealth.newBuilder().setCriticalWarning(4).setPercentageUsed(7)))
            .addDevices(Device.newBuilder()
                    .setUri("uring:///dev/sdb")
                    .setKind(Device.Kind.URING)
                    .setPool("slow"))
            .setStartedAt(Timestamp.newBuilder().setSeconds(1_795_000_000L).setNanos(5))
            .build();

    @Test
    void specFromNodeInfo() {
        var spec = NodeInfoMapping.spec("node-a", info);
        assertEquals("node-a", spec.nodeName(), "the Kubernetes node name, not the daemon's");
        assertEquals(List.of(4, 5), spec.cores(), "pinned cores only, sorted");
        assertEquals("1Gi", spec.hugepages().toString());
        assertEquals("nqn.2014-08.org.nvmexpress:uuid:abc", spec.hostNqn());
    }

    @Test
    void agentStatusFromNodeInfoAndHealth() {
        Health health = Health.newBuilder()
                .setStatus(Health.Status.DEGRADED)
                .addChecks(HealthCheck.newBuilder()
                        .setName("pool:slow")
                        .setOk(false)
                        .setMessage("device gone"))
                .build();
        StorageNodeStatus s = NodeInfoMapping.agentStatus(
                "node-a", info, health, "10.0.0.7:9443", Instant.parse("2026-11-21T10:00:00.5Z"));
        assertNull(s.state(), "the operator's field");
        assertEquals("10.0.0.7:9443", s.managementEndpoint());
        assertEquals("10.0.0.7", s.nvmeTcpListeners().getFirst().traddr());
        assertEquals("peregrine-node-node-a", s.leaseName());
        assertEquals(2, s.deviceCount());
        assertEquals(4, s.devices().getFirst().criticalWarning());
        assertEquals("Uring", s.devices().get(1).kind());
        assertEquals("slow", s.devices().get(1).pool());
        assertNull(s.devices().get(1).criticalWarning(), "no SMART data for a kernel block device");
        assertEquals("Degraded", s.health().status());
        assertEquals("device gone", s.health().checks().getFirst().message());
        assertEquals(3, s.reactors());
        assertEquals("2026-11-21T10:00:00Z", s.lastHeartbeatTime());
        assertEquals("2026-11-18T11:06:40Z", s.startedAt());
    }
}
