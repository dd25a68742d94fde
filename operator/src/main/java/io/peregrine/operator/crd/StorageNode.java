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
 * One Kubernetes node that runs a Peregrine dataplane. The node agent beside the dataplane
 * creates it, fills the agent-owned status fields from the dataplane's {@code NodeInfo} and
 * renews the Lease {@code peregrine-node-<name>}; the operator owns {@code status.state} and
 * {@code status.conditions} and turns the node Offline when the lease expires.
 *
 * <p>Clients (the CSI driver) find a node's dataplane at {@code status.managementEndpoint} and its
 * NVMe/TCP target at {@code status.nvmeTcpListeners}. The module README documents every field.
 */
@Group(Crds.GROUP)
@Version(Crds.VERSION)
@Singular("storagenode")
@Plural("storagenodes")
@ShortNames({"psn"})
@AdditionalPrinterColumn(name = "State", jsonPath = ".status.state", type = Type.STRING)
@AdditionalPrinterColumn(name = "Health", jsonPath = ".status.health.status", type = Type.STRING)
@AdditionalPrinterColumn(name = "Version", jsonPath = ".status.version", type = Type.STRING)
@AdditionalPrinterColumn(name = "Endpoint", jsonPath = ".status.managementEndpoint", type = Type.STRING)
@AdditionalPrinterColumn(name = "Devices", jsonPath = ".status.deviceCount", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Host NQN", jsonPath = ".spec.hostNqn", type = Type.STRING, priority = 1)
@AdditionalPrinterColumn(
        name = "Reason",
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
        type = Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class StorageNode extends CustomResource<StorageNodeSpec, StorageNodeStatus> {

    @Serial
    private static final long serialVersionUID = 1L;

    public static final String KIND = "StorageNode";
}
