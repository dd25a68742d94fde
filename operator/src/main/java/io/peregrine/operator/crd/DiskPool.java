package io.peregrine.operator.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;
import java.io.Serial;

/**
 * A logical volume store on one disk of one storage node. The operator creates it (or imports
 * the store the disk already holds) through that node's dataplane, reports its capacity and
 * health, and refuses to let it go while it holds volumes.
 *
 * <p>Cluster-scoped: the object's name is the pool's name on the dataplane, and the CSI driver
 * refers to pools by that name, so it must be unique across the cluster, not per namespace.
 */
@Group(Crds.GROUP)
@Version(Crds.VERSION)
@Singular("diskpool")
@Plural("diskpools")
@ShortNames({"dp", "pdp"})
@AdditionalPrinterColumn(name = "Node", jsonPath = ".spec.node", type = Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = Type.STRING)
@AdditionalPrinterColumn(name = "Capacity", jsonPath = ".status.capacity", type = Type.STRING)
@AdditionalPrinterColumn(name = "Used", jsonPath = ".status.used", type = Type.STRING)
@AdditionalPrinterColumn(name = "Volumes", jsonPath = ".status.volumeCount", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Disk", jsonPath = ".spec.disks[0]", type = Type.STRING, priority = 1)
@AdditionalPrinterColumn(
        name = "Reason",
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
        type = Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class DiskPool extends CustomResource<DiskPoolSpec, DiskPoolStatus> {

    @Serial
    private static final long serialVersionUID = 1L;

    public static final String KIND = "DiskPool";
}
