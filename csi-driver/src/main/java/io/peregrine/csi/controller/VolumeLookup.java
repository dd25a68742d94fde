package io.peregrine.csi.controller;

import io.grpc.StatusRuntimeException;
import io.peregrine.csi.dataplane.DataplaneErrors;
import io.peregrine.csi.server.CsiErrors;
import io.peregrine.csi.volume.VolumeHandle;
import io.peregrine.dataplane.api.v1.Pool;
import io.peregrine.dataplane.api.v1.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds dataplane volumes for CSI ids (routed by the id's node part) and for CSI names (asked
 * of every pool on every storage node: names are the CO's idempotency keys and must be found
 * wherever an earlier attempt placed them).
 */
final class VolumeLookup {

    /** A dataplane volume (or snapshot) and the node holding it. */
    record Found(StorageNode node, Volume volume) {}

    private final NodeDirectory directory;

    VolumeLookup(NodeDirectory directory) {
        this.directory = directory;
    }

    /** The object an id names; empty when the id, its node or the object is unknown. */
    Optional<Found> byId(String id) {
        Optional<VolumeHandle> handle = VolumeHandle.tryParse(id);
        if (handle.isEmpty()) return Optional.empty();
        Optional<StorageNode> node = directory.storageNode(handle.get().node());
        if (node.isEmpty()) {
            directory.whyUnavailable(handle.get().node()).ifPresent(why -> {
                throw CsiErrors.unavailable("cannot reach " + id + ": " + why);
            });
            return Optional.empty();
        }
        try {
            return node.get()
                    .dataplane()
                    .getVolume(handle.get().uuid().toString())
                    .map(v -> new Found(node.get(), v));
        } catch (StatusRuntimeException e) {
            throw DataplaneErrors.translate(node.get().name(), "looking up " + id, e);
        }
    }

    /** Every storage node's pools, asked once per call, and the nodes that did not answer. */
    record Survey(List<Placement.NodePools> reachable, List<String> unreachable) {}

    Survey survey() {
        List<Placement.NodePools> reachable = new ArrayList<>();
        List<String> unreachable = new ArrayList<>();
        for (StorageNode node : directory.storageNodes()) {
            try {
                reachable.add(new Placement.NodePools(node, node.dataplane().listPools()));
            } catch (StatusRuntimeException e) {
                unreachable.add(node.name() + " (" + e.getStatus().getCode() + ")");
            }
        }
        return new Survey(reachable, unreachable);
    }

    Optional<Found> byName(String dataplaneName, String csiName) {
        return byName(dataplaneName, csiName, survey());
    }

    /**
     * The object created for CSI name {@code csiName} under dataplane name {@code dataplaneName}.
     * When some node cannot be asked and the name is not found elsewhere the answer would be a
     * guess, so that is UNAVAILABLE: creating a second volume for one name is the failure
     * idempotency exists to prevent.
     */
    Optional<Found> byName(String dataplaneName, String csiName, Survey survey) {
        List<String> unreachable = new ArrayList<>(survey.unreachable());
        for (Placement.NodePools node : survey.reachable()) {
            for (Pool pool : node.pools()) {
                Optional<Volume> v;
                try {
                    v = node.node().dataplane().findVolume(pool.getName(), dataplaneName);
                } catch (StatusRuntimeException e) {
                    unreachable.add(node.node().name() + " (" + e.getStatus().getCode() + ")");
                    break;
                }
                if (v.isPresent()) {
                    String owner = v.get().getXattrsOrDefault(DataplaneNames.CSI_NAME, "");
                    if (!owner.equals(csiName)) {
                        throw CsiErrors.alreadyExists("dataplane name " + dataplaneName + " on "
                                + node.node().name() + "/" + pool.getName() + " belongs to '" + owner + "', not '"
                                + csiName + "'");
                    }
                    return Optional.of(new Found(node.node(), v.get()));
                }
            }
        }
        if (!unreachable.isEmpty()) {
            throw CsiErrors.unavailable("cannot tell whether '" + csiName + "' exists: storage nodes " + unreachable
                    + " did not answer; retry");
        }
        return Optional.empty();
    }
}
