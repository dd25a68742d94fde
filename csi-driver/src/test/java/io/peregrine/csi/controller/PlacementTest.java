package io.peregrine.csi.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.csi.CsiDriver;
import io.peregrine.csi.v1.Topology;
import io.peregrine.csi.v1.TopologyRequirement;
import io.peregrine.dataplane.api.v1.Pool;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlacementTest {

    private static final long GiB = 1L << 30;

    private final Placement.NodePools a = nodes("a", pool("p1", 10 * GiB, 2 * GiB), pool("p2", 10 * GiB, 6 * GiB));
    private final Placement.NodePools b = nodes("b", pool("p1", 10 * GiB, 9 * GiB));
    private final Placement.NodePools c = nodes(
            "c",
            pool("p1", 10 * GiB, 5 * GiB).toBuilder().setState(Pool.State.ERROR).build());

    @Test
    void preferredFirstThenMostFreeSpace() {
        List<String> order = names(Placement.place(
                List.of(a, b, c),
                TopologyRequirement.newBuilder().addPreferred(topology("a")).build(),
                GiB,
                true,
                Optional.empty()));
        assertEquals(List.of("a/p2", "a/p1", "b/p1"), order, "c's pool is in error");
        assertEquals(
                List.of("b/p1", "a/p2", "a/p1"),
                names(Placement.place(
                        List.of(a, b, c), TopologyRequirement.getDefaultInstance(), GiB, true, Optional.empty())));
    }

    @Test
    void requisiteAndPoolNameFilterThickVolumesMustFit() {
        assertEquals(
                List.of("a/p2"),
                names(Placement.place(
                        List.of(a, b),
                        TopologyRequirement.newBuilder()
                                .addRequisite(topology("a"))
                                .build(),
                        3 * GiB,
                        false,
                        Optional.empty())));
        assertEquals(
                List.of("b/p1", "a/p1"),
                names(Placement.place(
                        List.of(a, b), TopologyRequirement.getDefaultInstance(), GiB, true, Optional.of("p1"))));
        Placement.Result none = Placement.place(
                List.of(a, b), TopologyRequirement.getDefaultInstance(), 20 * GiB, false, Optional.empty());
        assertTrue(none.candidates().isEmpty());
        assertTrue(none.whyNone().contains("a/p1 has only"), none.whyNone());
        Placement.Result outside = Placement.place(
                List.of(a, b),
                TopologyRequirement.newBuilder().addRequisite(topology("z")).build(),
                GiB,
                true,
                Optional.empty());
        assertTrue(outside.whyNone().contains("requisite topology [z]"), outside.whyNone());
    }

    private static List<String> names(Placement.Result r) {
        return r.candidates().stream()
                .map(x -> x.node().name() + "/" + x.pool().getName())
                .toList();
    }

    private static Placement.NodePools nodes(String name, Pool... pools) {
        return new Placement.NodePools(StorageNode.withTargets(name, null, List.of()), List.of(pools));
    }

    private static Pool pool(String name, long capacity, long free) {
        return Pool.newBuilder()
                .setName(name)
                .setState(Pool.State.ONLINE)
                .setCapacityBytes(capacity)
                .setFreeBytes(free)
                .setClusterSizeBytes(4L << 20)
                .build();
    }

    private static Topology topology(String node) {
        return Topology.newBuilder()
                .putSegments(CsiDriver.TOPOLOGY_NODE_KEY, node)
                .build();
    }
}
