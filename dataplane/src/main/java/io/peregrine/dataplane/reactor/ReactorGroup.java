package io.peregrine.dataplane.reactor;

import java.util.ArrayList;
import java.util.List;

/** The node's reactors: one per CPU of a {@link CoreList}, or a number of unpinned ones. */
public final class ReactorGroup implements AutoCloseable {
    private final List<Reactor> reactors;

    private ReactorGroup(List<Reactor> reactors) {
        this.reactors = List.copyOf(reactors);
    }

    /** One reactor per CPU in {@code cores}, each pinned to its CPU (best effort). */
    public static ReactorGroup start(String prefix, CoreList cores, IdlePolicy policy) {
        List<Reactor> rs = new ArrayList<>();
        for (int i = 0; i < cores.size(); i++) {
            rs.add(Reactor.start(prefix + "-" + i, cores.cpu(i), policy));
        }
        return new ReactorGroup(rs);
    }

    /** {@code count} unpinned reactors. */
    public static ReactorGroup startUnpinned(String prefix, int count, IdlePolicy policy) {
        if (count < 1) {
            throw new IllegalArgumentException("a reactor group needs at least one reactor, not " + count);
        }
        List<Reactor> rs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rs.add(Reactor.start(prefix + "-" + i, -1, policy));
        }
        return new ReactorGroup(rs);
    }

    public List<Reactor> reactors() {
        return reactors;
    }

    public Reactor get(int i) {
        return reactors.get(i);
    }

    public int size() {
        return reactors.size();
    }

    @Override
    public void close() {
        for (Reactor r : reactors) {
            r.close();
        }
    }
}
