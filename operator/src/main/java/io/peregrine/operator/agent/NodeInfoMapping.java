package io.peregrine.operator.agent;

import com.google.protobuf.Timestamp;
import io.fabric8.kubernetes.api.model.Quantity;
import io.peregrine.dataplane.api.v1.Device;
import io.peregrine.dataplane.api.v1.DmaMemory;
import io.peregrine.dataplane.api.v1.Health;
import io.peregrine.dataplane.api.v1.NodeInfo;
import io.peregrine.dataplane.api.v1.Reactor;
import io.peregrine.operator.crd.Crds;
import io.peregrine.operator.crd.DeviceStatus;
import io.peregrine.operator.crd.DmaMemoryStatus;
import io.peregrine.operator.crd.NodeHealth;
import io.peregrine.operator.crd.StorageNodeSpec;
import io.peregrine.operator.crd.StorageNodeStatus;
import io.peregrine.operator.crd.TransportAddress;
import io.peregrine.operator.model.Bytes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** The dataplane's NodeInfo and Health, as StorageNode spec and agent-owned status fields. Pure. */
public final class NodeInfoMapping {

    private NodeInfoMapping() {}

    public static StorageNodeSpec spec(String nodeName, NodeInfo info) {
        List<Integer> cores = info.getReactorsList().stream()
                .map(Reactor::getCore)
                .filter(core -> core >= 0)
                .sorted()
                .toList();
        DmaMemory dma = info.getDmaMemory();
        long hugepageBytes = dma.getHugepageSizeBytes() * dma.getHugepagesTotal();
        return new StorageNodeSpec(
                nodeName,
                cores,
                hugepageBytes == 0 ? null : new Quantity(Bytes.quantity(hugepageBytes)),
                info.getHostNqn().isEmpty() ? null : info.getHostNqn());
    }

    /**
     * @param lastHeartbeat when the agent writes this status; null to leave it unset while comparing
     */
    public static StorageNodeStatus agentStatus(
            String nodeName, NodeInfo info, Health health, String managementEndpoint, Instant lastHeartbeat) {
        List<DeviceStatus> devices =
                info.getDevicesList().stream().map(NodeInfoMapping::device).toList();
        return new StorageNodeStatus(
                null,
                null,
                null,
                managementEndpoint,
                info.getListenersList().stream()
                        .map(l -> new TransportAddress(l.getTrtype(), l.getAdrfam(), l.getTraddr(), l.getTrsvcid()))
                        .toList(),
                info.getVersion().isEmpty() ? null : info.getVersion(),
                Crds.nodeLeaseName(nodeName),
                devices,
                devices.size(),
                health(health),
                dma(info.getDmaMemory()),
                info.getReactorsCount(),
                info.hasStartedAt() ? time(info.getStartedAt()) : null,
                lastHeartbeat == null
                        ? null
                        : lastHeartbeat.truncatedTo(ChronoUnit.SECONDS).toString());
    }

    static DeviceStatus device(Device d) {
        boolean hasHealth = d.hasHealth();
        return new DeviceStatus(
                d.getUri(),
                switch (d.getKind()) {
                    case NVME_PCIE -> "NvmePcie";
                    case URING -> "Uring";
                    case FILE -> "File";
                    case MALLOC -> "Malloc";
                    case NULL -> "Null";
                    case KIND_UNSPECIFIED, UNRECOGNIZED -> null;
                },
                emptyToNull(d.getModel()),
                emptyToNull(d.getSerial()),
                emptyToNull(d.getFirmware()),
                d.getSizeBytes(),
                d.getBlockSize() == 0 ? null : d.getBlockSize(),
                emptyToNull(d.getPool()),
                hasHealth ? d.getHealth().getCriticalWarning() : null,
                hasHealth ? d.getHealth().getPercentageUsed() : null,
                hasHealth ? d.getHealth().getTemperatureKelvin() : null);
    }

    static NodeHealth health(Health h) {
        String status = switch (h.getStatus()) {
            case SERVING -> "Serving";
            case DEGRADED -> "Degraded";
            case NOT_SERVING -> "NotServing";
            case STATUS_UNSPECIFIED, UNRECOGNIZED -> null;
        };
        return new NodeHealth(
                status,
                h.getChecksList().stream()
                        .map(c -> new NodeHealth.Check(c.getName(), c.getOk(), emptyToNull(c.getMessage())))
                        .toList());
    }

    private static DmaMemoryStatus dma(DmaMemory m) {
        return new DmaMemoryStatus(
                m.getHugepageSizeBytes(),
                m.getHugepagesTotal(),
                m.getHugepagesFree(),
                m.getFallbackSmallPages(),
                m.getPoolBytes(),
                m.getPoolUsedBytes());
    }

    private static String time(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos())
                .truncatedTo(ChronoUnit.SECONDS)
                .toString();
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
