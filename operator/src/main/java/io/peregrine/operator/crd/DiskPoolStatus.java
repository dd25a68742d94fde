package io.peregrine.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * What the operator observed. {@code node}, {@code disk} and {@code clusterSizeBytes} record where
 * the pool really lives, so a later spec edit that cannot be applied is detected and reported
 * instead of silently ignored.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record DiskPoolStatus(
        @JsonPropertyDescription("Creating, Online, Degraded, Offline or Error.")
        DiskPoolPhase phase,

        @JsonPropertyDescription("The node the pool lives on, once it exists.")
        String node,

        @JsonPropertyDescription("The disk URI the pool lives on, once it exists.")
        String disk,

        @JsonPropertyDescription("The pool's UUID on the dataplane.")
        String uuid,

        @JsonPropertyDescription("Cluster size in bytes of the existing pool.")
        Long clusterSizeBytes,

        @JsonPropertyDescription("Usable bytes.") Long capacityBytes,
        @JsonPropertyDescription("Allocated bytes.") Long usedBytes,

        @JsonPropertyDescription("capacityBytes for people, e.g. 931.5Gi.")
        String capacity,

        @JsonPropertyDescription("usedBytes for people, e.g. 12.3Gi.")
        String used,

        @JsonPropertyDescription("Volumes (including clones) in the pool.")
        Integer volumeCount,

        @JsonPropertyDescription("Snapshots in the pool.") Integer snapshotCount,

        @JsonPropertyDescription("Ready, SpecApplied and, while deletion waits, DeletionBlocked.")
        List<Condition> conditions,

        @JsonPropertyDescription("The metadata.generation this status was computed from.")
        Long observedGeneration) {

    public DiskPoolStatus {
        conditions = Lists.orEmpty(conditions);
    }
}
