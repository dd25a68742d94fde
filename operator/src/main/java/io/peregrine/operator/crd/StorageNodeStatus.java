package io.peregrine.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * Two writers, disjoint fields. The operator writes {@code state}, {@code conditions} and
 * {@code observedGeneration}; the node agent writes everything else. Each writer replaces the
 * status with optimistic concurrency (resourceVersion) and carries the other's fields over.
 *
 * <p>This is a stable contract: the CSI driver reads {@code managementEndpoint},
 * {@code nvmeTcpListeners} and {@code state} as a generic resource.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record StorageNodeStatus(
        @JsonPropertyDescription("Online, Offline or Unknown (operator).")
        NodeState state,

        @JsonPropertyDescription("Ready (operator).") List<Condition> conditions,

        @JsonPropertyDescription("The metadata.generation the operator last judged (operator).")
        Long observedGeneration,

        @JsonPropertyDescription("Where the dataplane's management API listens: host:port (gRPC over TCP with"
                + " mutual TLS) or unix:///path (a socket on the node).")
        String managementEndpoint,

        @JsonPropertyDescription("Where the NVMe/TCP target listens, as in the Discovery Log Page.")
        List<TransportAddress> nvmeTcpListeners,

        @JsonPropertyDescription("Peregrine version of the dataplane.")
        String version,

        @JsonPropertyDescription("The Lease the node agent renews, in the operator's namespace.")
        String leaseName,

        @JsonPropertyDescription("Block devices the dataplane can build pools on, and those in use.")
        List<DeviceStatus> devices,

        @JsonPropertyDescription("The number of entries in devices.")
        Integer deviceCount,

        @JsonPropertyDescription("The dataplane's own health report.")
        NodeHealth health,

        @JsonPropertyDescription("The dataplane's DMA memory.")
        DmaMemoryStatus dmaMemory,

        @JsonPropertyDescription("Reactor threads of the dataplane.")
        Integer reactors,

        @JsonPropertyDescription("When the dataplane started (RFC 3339).")
        String startedAt,

        @JsonPropertyDescription("When the node agent last wrote this status (RFC 3339). The Lease is the"
                + " fine-grained heartbeat; the agent rewrites status on change and periodically.")
        String lastHeartbeatTime) {

    public StorageNodeStatus {
        conditions = Lists.orEmpty(conditions);
        nvmeTcpListeners = Lists.orEmpty(nvmeTcpListeners);
        devices = Lists.orEmpty(devices);
    }

    /** Agent-owned fields from {@code agent}, operator-owned fields from this status. */
    public StorageNodeStatus withAgentFields(StorageNodeStatus agent) {
        return new StorageNodeStatus(
                state,
                conditions,
                observedGeneration,
                agent.managementEndpoint,
                agent.nvmeTcpListeners,
                agent.version,
                agent.leaseName,
                agent.devices,
                agent.deviceCount,
                agent.health,
                agent.dmaMemory,
                agent.reactors,
                agent.startedAt,
                agent.lastHeartbeatTime);
    }

    /** This status with the operator-owned fields replaced. */
    public StorageNodeStatus withOperatorFields(NodeState newState, List<Condition> newConditions, Long generation) {
        return new StorageNodeStatus(
                newState,
                newConditions,
                generation,
                managementEndpoint,
                nvmeTcpListeners,
                version,
                leaseName,
                devices,
                deviceCount,
                health,
                dmaMemory,
                reactors,
                startedAt,
                lastHeartbeatTime);
    }

    public static StorageNodeStatus empty() {
        return new StorageNodeStatus(
                null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
