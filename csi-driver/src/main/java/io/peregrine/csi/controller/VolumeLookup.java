package io.peregrine.csi.controller;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peregrine.csi.dataplane.DataplaneErrors;
import io.peregrine.csi.server.CsiErrors;
import io.peregrine.csi.volume.VolumeHandle;
import io.peregrine.dataplane.api.v1.Pool;
import io.peregrine.dataplane.api.v1.Volume;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

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
            // usable again between the two questions (a watch event): ask once more, not NOT_FOUND
            node = directory.storageNode(handle.get().node());
            if (node.isEmpty()) return Optional.empty();
        }
        try {
            StorageNode holder = node.get();
            return holder.dataplane().getVolume(handle.get().uuid().toString()).map(v -> new Found(holder, v));
        } catch (StatusRuntimeException e) {
            throw DataplaneErrors.translate(node.get().name(), "looking up " + id, e);
        }
    }

    /** Every storage node's pools, asked once per call, and the nodes that did not answer. */
    record Survey(List<Placement.NodePools> reachable, List<String> unreachable) {}

    /** What one node said: its pools, or the status of its failure. */
    private record Answer<T>(StorageNode node, T value, StatusRuntimeException failure) {}

    Survey survey() {
        List<Placement.NodePools> reachable = new ArrayList<>();
        List<String> unreachable = new ArrayList<>();
        for (Answer<List<Pool>> a :
                askEach(directory.storageNodes(), n -> n.dataplane().listPools())) {
            if (a.failure() == null) {
                reachable.add(new Placement.NodePools(a.node(), a.value()));
            } else {
                unreachable.add(a.node().name() + " (" + a.failure().getStatus().getCode() + ")");
            }
        }
        return new Survey(reachable, unreachable);
    }

    /**
     * Asks every node at once (one virtual thread each) and returns the answers in the nodes'
     * order: a cluster's CreateVolume then waits for its slowest node, not for the sum of all.
     */
    private static <T> List<Answer<T>> askEach(List<StorageNode> nodes, Function<StorageNode, T> question) {
        if (nodes.size() == 1) return List.of(ask(nodes.getFirst(), question));
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Answer<T>>> pending = new ArrayList<>();
            for (StorageNode node : nodes) pending.add(threads.submit(() -> ask(node, question)));
            List<Answer<T>> answers = new ArrayList<>();
            for (Future<Answer<T>> f : pending) answers.add(join(f));
            return answers;
        }
    }

    private static <T> T join(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CsiErrors.unavailable("interrupted while asking the storage nodes");
        } catch (ExecutionException e) {
            // ask() turns every status into an answer: anything else is a bug, surfaced as such
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private static <T> Answer<T> ask(StorageNode node, Function<StorageNode, T> question) {
        try {
            return new Answer<>(node, question.apply(node), null);
        } catch (StatusRuntimeException e) {
            return new Answer<>(node, null, e);
        }
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
        Map<String, List<Pool>> poolsOf = new HashMap<>();
        survey.reachable().forEach(n -> poolsOf.put(n.node().name(), n.pools()));
        List<StorageNode> nodes =
                survey.reachable().stream().map(Placement.NodePools::node).toList();
        List<Answer<Optional<Found>>> answers = askEach(nodes, node -> {
            for (Pool pool : poolsOf.get(node.name())) {
                Optional<Volume> v = node.dataplane().findVolume(pool.getName(), dataplaneName);
                if (v.isPresent()) {
                    String owner = v.get().getXattrsOrDefault(DataplaneNames.CSI_NAME, "");
                    if (!owner.equals(csiName)) {
                        throw CsiErrors.alreadyExists("dataplane name " + dataplaneName + " on " + node.name() + "/"
                                + pool.getName() + " belongs to '" + owner + "', not '" + csiName + "'");
                    }
                    return Optional.of(new Found(node, v.get()));
                }
            }
            return Optional.empty();
        });
        for (Answer<Optional<Found>> a : answers) {
            if (a.failure() != null) {
                if (a.failure().getStatus().getCode() == Status.Code.ALREADY_EXISTS) throw a.failure();
                unreachable.add(a.node().name() + " (" + a.failure().getStatus().getCode() + ")");
            } else if (a.value().isPresent()) {
                return a.value();
            }
        }
        if (!unreachable.isEmpty()) {
            throw CsiErrors.unavailable("cannot tell whether '" + csiName + "' exists: storage nodes " + unreachable
                    + " did not answer; retry");
        }
        return Optional.empty();
    }
}
