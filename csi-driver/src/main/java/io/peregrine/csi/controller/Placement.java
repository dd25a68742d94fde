package io.peregrine.csi.controller;

import io.peregrine.csi.CsiDriver;
import io.peregrine.csi.v1.Topology;
import io.peregrine.csi.v1.TopologyRequirement;
import io.peregrine.dataplane.api.v1.Pool;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a new volume goes. Pure: given the storage nodes' pools, the CO's topology requirement
 * and the request, it returns the (node, pool) pairs to try, best first:
 *
 * <ol>
 *   <li>only nodes named in {@code requisite} (by {@value CsiDriver#TOPOLOGY_NODE_KEY}), when
 *       requisite is given;
 *   <li>the {@code preferred} nodes first, in the CO's order (with delayed binding the first one
 *       is where the pod was scheduled);
 *   <li>then the others, the one with the most free space first;
 *   <li>on each node, ONLINE pools (of the requested name, if any) that fit: a thick volume
 *       needs its whole size free, a thin one needs the pool not full; most free space first.
 * </ol>
 */
final class Placement {

    /** A storage node and the pools it reported. */
    record NodePools(StorageNode node, List<Pool> pools) {}

    record Candidate(StorageNode node, Pool pool) {}

    /** The ranked candidates, or why there are none. */
    record Result(List<Candidate> candidates, String whyNone) {}

    private Placement() {}

    static Result place(
            List<NodePools> nodes,
            TopologyRequirement requirement,
            long sizeBytes,
            boolean thin,
            Optional<String> pool) {
        Set<String> requisite = names(requirement.getRequisiteList());
        List<String> preferred = new ArrayList<>(names(requirement.getPreferredList()));
        List<String> reasons = new ArrayList<>();
        List<NodePools> allowed = new ArrayList<>();
        for (NodePools n : nodes) {
            if (!requirement.getRequisiteList().isEmpty()
                    && !requisite.contains(n.node().name())) continue;
            allowed.add(n);
        }
        if (allowed.isEmpty()) {
            return new Result(
                    List.of(),
                    requirement.getRequisiteList().isEmpty()
                            ? "there are no storage nodes"
                            : "no storage node is in the requisite topology " + requisite + " (storage nodes: "
                                    + nodes.stream().map(n -> n.node().name()).toList() + ")");
        }
        Comparator<NodePools> byPreference = Comparator.comparingInt((NodePools n) -> {
                    int at = preferred.indexOf(n.node().name());
                    return at < 0 ? Integer.MAX_VALUE : at;
                })
                .thenComparing(Comparator.comparingLong((NodePools n) -> bestFree(n, pool))
                        .reversed())
                .thenComparing(n -> n.node().name());
        List<Candidate> out = new ArrayList<>();
        for (NodePools n : allowed.stream().sorted(byPreference).toList()) {
            List<Pool> fitting = n.pools().stream()
                    .filter(p -> pool.isEmpty() || p.getName().equals(pool.get()))
                    .filter(p -> {
                        String why = unfit(p, sizeBytes, thin);
                        if (why != null) reasons.add(n.node().name() + "/" + p.getName() + " " + why);
                        return why == null;
                    })
                    .sorted(Comparator.comparingLong(Pool::getFreeBytes).reversed())
                    .toList();
            fitting.forEach(p -> out.add(new Candidate(n.node(), p)));
            if (n.pools().isEmpty()) reasons.add(n.node().name() + " has no pools");
            else if (pool.isPresent()
                    && n.pools().stream().noneMatch(p -> p.getName().equals(pool.get()))) {
                reasons.add(n.node().name() + " has no pool named " + pool.get());
            }
        }
        return new Result(
                out,
                out.isEmpty()
                        ? "no pool can hold a " + (thin ? "thin " : "thick ") + sizeBytes + "-byte volume: "
                                + String.join("; ", reasons)
                        : "");
    }

    /** Why the pool cannot take the volume, or null when it can. */
    private static String unfit(Pool p, long sizeBytes, boolean thin) {
        if (p.getState() != Pool.State.ONLINE)
            return "is " + p.getState() + (p.getMessage().isEmpty() ? "" : " (" + p.getMessage() + ")");
        if (thin && p.getFreeBytes() == 0) return "is full";
        if (!thin && p.getFreeBytes() < sizeBytes) return "has only " + p.getFreeBytes() + " bytes free";
        if (p.getCapacityBytes() > 0 && sizeBytes > p.getCapacityBytes() && !thin) return "is smaller than the volume";
        return null;
    }

    private static long bestFree(NodePools n, Optional<String> pool) {
        return n.pools().stream()
                .filter(p -> pool.isEmpty() || p.getName().equals(pool.get()))
                .filter(p -> p.getState() == Pool.State.ONLINE)
                .mapToLong(Pool::getFreeBytes)
                .max()
                .orElse(0);
    }

    /** Node names a list of topologies selects by our key, in order. */
    static Set<String> names(List<Topology> topologies) {
        return topologies.stream()
                .map(Topology::getSegmentsMap)
                .map(segments -> segments.get(CsiDriver.TOPOLOGY_NODE_KEY))
                .filter(name -> name != null)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    static Topology topologyOf(String node) {
        return Topology.newBuilder()
                .putAllSegments(Map.of(CsiDriver.TOPOLOGY_NODE_KEY, node))
                .build();
    }
}
