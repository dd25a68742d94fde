package io.peregrine.operator.pool;

import io.peregrine.operator.crd.DiskPool;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Informer indexes over DiskPools. */
public final class DiskPoolIndexes {

    /** DiskPools by node: both the node their spec names and the node they live on. */
    public static final String BY_NODE = "byNode";

    private DiskPoolIndexes() {}

    public static Map<String, Function<DiskPool, List<String>>> all() {
        return Map.of(BY_NODE, DiskPoolIndexes::nodes);
    }

    static List<String> nodes(DiskPool pool) {
        Set<String> nodes = new LinkedHashSet<>(2);
        if (pool.getSpec() != null && pool.getSpec().node() != null) {
            nodes.add(pool.getSpec().node());
        }
        if (pool.getStatus() != null && pool.getStatus().node() != null) {
            nodes.add(pool.getStatus().node());
        }
        return List.copyOf(nodes);
    }
}
