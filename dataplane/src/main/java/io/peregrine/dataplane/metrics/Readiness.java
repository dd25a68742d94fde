package io.peregrine.dataplane.metrics;

import io.peregrine.dataplane.node.Node;
import io.peregrine.dataplane.node.PoolEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Whether the node serves, for {@code /readyz}. Not ready: stopping, the target not listening, a
 * reactor stopped, the management API not accepting calls. A pool that is not ONLINE is a note,
 * not a reason: the node still serves its other pools, and the API is how to repair that one.
 */
public final class Readiness {
    /** The answer: problems make it not ready; notes do not. */
    public record Report(List<String> problems, List<String> notes) {
        public boolean ready() {
            return problems.isEmpty();
        }
    }

    private Readiness() {}

    public static Report of(Node node, BooleanSupplier apiServing) {
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (String p : node.problems()) {
            if (!p.startsWith("pool ")) {
                problems.add(p);
            }
        }
        if (!apiServing.getAsBoolean()) {
            problems.add("the management API is not serving");
        }
        for (PoolEntry p : node.pools().list()) {
            if (p.state() != PoolEntry.State.ONLINE) {
                notes.add("pool " + p.name() + " is " + p.state() + ": " + p.message());
            }
        }
        return new Report(List.copyOf(problems), List.copyOf(notes));
    }
}
