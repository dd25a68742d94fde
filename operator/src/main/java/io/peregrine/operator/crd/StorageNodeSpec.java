package io.peregrine.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;

/** How the dataplane on this node is configured, as its node agent reports it. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record StorageNodeSpec(
        @Required @JsonPropertyDescription("The Kubernetes node name.")
        String nodeName,

        @JsonPropertyDescription("CPUs the dataplane's reactors are pinned to; empty when not pinned.")
        List<Integer> cores,

        @JsonPropertyDescription("Hugepage memory available to the dataplane for DMA, e.g. 128Mi.")
        Quantity hugepages,

        @JsonPropertyDescription("The NQN this node's kernel NVMe/TCP initiator uses (/etc/nvme/hostnqn).")
        String hostNqn) {

    public StorageNodeSpec {
        cores = Lists.orEmpty(cores);
    }
}
