package io.peregrine.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;

/** What the user asks for. {@code node}, {@code disks} and {@code clusterSize} are fixed once the pool exists. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record DiskPoolSpec(
        @Required @JsonPropertyDescription("The StorageNode (the Kubernetes node) whose dataplane owns the disk.")
        String node,

        @Required
        @Size(min = 1, max = 1) @JsonPropertyDescription("The disk to build the pool on, as a URI: pcie://0000:00:04.0 (NVMe, userspace"
                + " driver), uring:///dev/sdb (kernel block device through io_uring),"
                + " file:///var/lib/peregrine/disk.img?size=10G or malloc://?size=1G (tests)."
                + " Exactly one disk per pool in v1alpha1.")
        List<String> disks,

        @JsonPropertyDescription("Allocation unit of the pool: a power of two from 1Mi to 256Mi. Default 4Mi.")
        Quantity clusterSize,

        @JsonPropertyDescription("What deleting this DiskPool does to an empty pool: Destroy (default) erases its"
                + " metadata; Export unloads it and keeps it on the disk to be imported again.")
        DeletionPolicy deletionPolicy) {

    public DiskPoolSpec {
        disks = Lists.orEmpty(disks);
    }

    public DeletionPolicy deletionPolicyOrDefault() {
        return deletionPolicy == null ? DeletionPolicy.Destroy : deletionPolicy;
    }
}
