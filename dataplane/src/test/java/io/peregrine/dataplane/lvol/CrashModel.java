package io.peregrine.dataplane.lvol;

import io.peregrine.dataplane.lvol.BlockPattern.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a crashed store may hold, built from the workload's event stream (see {@link Workload} for
 * the events). The rules are the store's promises, nothing more:
 *
 * <ul>
 *   <li>a write or unmap is durable once a flush submitted after it was acknowledged has been
 *       acknowledged, or it was a FUA write, or a snapshot requested after it was acknowledged;
 *   <li>after a crash a block holds its last durable value or anything submitted after it (or, if
 *       nothing was durable, what it read before plus anything submitted);
 *   <li>a snapshot holds exactly what its volume held when the snapshot was requested;
 *   <li>an acknowledged create, snapshot, clone or delete happened; an unacknowledged one may or
 *       may not have.
 * </ul>
 *
 * <p>After a verification the model collapses to what was read, so the next cycle starts from
 * facts.
 */
final class CrashModel {
    enum Life {
        REQUESTED,
        LIVE,
        DELETING,
        GONE
    }

    /** One write or unmap of one block. */
    static final class Op {
        final long gen;
        final Value value;
        long ackSeq;
        boolean durable;

        Op(long gen, Value value) {
            this.gen = gen;
            this.value = value;
        }
    }

    static final class Obj {
        final int tag;
        final boolean snapshot;
        final long blocks;
        Life life = Life.REQUESTED;
        /** What unwritten blocks read through to; never changes (a merge moves data, not values). */
        Obj valueParent;
        /** The blob parent on disk: what a freed cluster reads through to. */
        Obj actualParent;
        /** The snapshot's source (for a snapshot) or snapshot (for a clone) while requested. */
        Obj source;

        final Map<Long, List<Op>> hist = new HashMap<>();
        final Map<Long, Value> frozen = new HashMap<>();
        long snapshotFlushSeq;

        Obj(int tag, boolean snapshot, long blocks) {
            this.tag = tag;
            this.snapshot = snapshot;
            this.blocks = blocks;
        }

        String name() {
            return "t" + tag;
        }
    }

    final Map<Integer, Obj> objects = new LinkedHashMap<>();
    private final Map<Long, List<Op>> opsByGen = new HashMap<>();
    private final Map<Long, Long> flushes = new HashMap<>();
    private long ackSeq;
    private long durableUpTo;
    private final List<Op> pendingFua = new ArrayList<>();
    private long events;

    static final boolean DEBUG = System.getenv("CRASH_DEBUG") != null;
    final List<String> log = new ArrayList<>();
    /** Acknowledged operations not yet durable, oldest first. */
    private final java.util.ArrayDeque<Op> acked = new java.util.ArrayDeque<>();

    /** Feeds one event line. */
    synchronized void accept(String line) {
        events++;
        if (DEBUG) {
            log.add(line);
        }
        String[] f = line.split(" ");
        switch (f[0]) {
            case "R" -> {}
            case "V" -> add(new Obj(tag(f[1]), false, Long.parseLong(f[2])));
            case "V+", "C+" -> obj(f[1]).life = Life.LIVE;
            case "S" -> {
                Obj src = obj(f[2]);
                Obj s = new Obj(tag(f[1]), true, src.blocks);
                s.source = src;
                s.valueParent = src.valueParent;
                s.actualParent = src.actualParent;
                for (Map.Entry<Long, List<Op>> e : src.hist.entrySet()) {
                    List<Op> ops = e.getValue();
                    if (!ops.isEmpty()) {
                        s.frozen.put(e.getKey(), ops.get(ops.size() - 1).value);
                    }
                }
                s.snapshotFlushSeq = ackSeq;
                add(s);
            }
            case "S+" -> {
                Obj s = obj(f[1]);
                s.life = Life.LIVE;
                s.source.actualParent = s;
                makeDurable(s.snapshotFlushSeq);
            }
            case "C" -> {
                Obj snap = obj(f[2]);
                Obj c = new Obj(tag(f[1]), false, snap.blocks);
                c.valueParent = snap;
                c.actualParent = snap;
                add(c);
            }
            case "D" -> obj(f[1]).life = Life.DELETING;
            case "D+" -> deleted(obj(f[1]));
            case "W", "U" -> {
                Obj o = obj(f[1]);
                long lba = Long.parseLong(f[2]);
                int n = Integer.parseInt(f[3]);
                long gen = Long.parseLong(f[4]);
                boolean fua = f[0].equals("W") && f[5].equals("1");
                List<Op> ops = new ArrayList<>();
                for (long b = lba; b < lba + n; b++) {
                    Value v = f[0].equals("W") ? new Value(o.tag, b, gen) : value(o.actualParent, b);
                    Op op = new Op(gen, v);
                    o.hist.computeIfAbsent(b, k -> new ArrayList<>()).add(op);
                    ops.add(op);
                }
                opsByGen.put(gen, ops);
                if (fua) {
                    pendingFua.addAll(ops);
                }
            }
            case "W+", "U+" -> {
                long gen = Long.parseLong(f[1]);
                List<Op> ops = opsByGen.remove(gen);
                ackSeq++;
                for (Op op : ops) {
                    op.ackSeq = ackSeq;
                    if (pendingFua.remove(op)) {
                        op.durable = true;
                    } else {
                        acked.add(op);
                    }
                }
            }
            case "F" -> flushes.put(Long.parseLong(f[1]), ackSeq);
            case "F+" -> makeDurable(flushes.remove(Long.parseLong(f[1])));
            default -> throw new IllegalArgumentException("unknown event: " + line);
        }
    }

    synchronized long events() {
        return events;
    }

    private void makeDurable(long upTo) {
        if (upTo <= durableUpTo) {
            return;
        }
        durableUpTo = upTo;
        while (!acked.isEmpty() && acked.peek().ackSeq <= upTo) {
            acked.poll().durable = true;
        }
    }

    private void deleted(Obj o) {
        o.life = Life.GONE;
        // a snapshot with one dependent was merged into it: it now reads through to what the
        // snapshot read through to
        for (Obj x : objects.values()) {
            if (x.actualParent == o && x.life != Life.GONE) {
                x.actualParent = o.actualParent;
            }
        }
    }

    private void add(Obj o) {
        objects.put(o.tag, o);
    }

    private Obj obj(String tag) {
        Obj o = objects.get(tag(tag));
        if (o == null) {
            throw new IllegalArgumentException("event names unknown object " + tag);
        }
        return o;
    }

    private static int tag(String s) {
        return Integer.parseInt(s);
    }

    /** What {@code o} reads at {@code lba} as far as its history says (snapshots: frozen). */
    static Value value(Obj o, long lba) {
        while (o != null) {
            if (lba >= o.blocks) {
                return Value.ZERO;
            }
            if (o.snapshot) {
                Value v = o.frozen.get(lba);
                if (v != null) {
                    return v;
                }
            } else {
                List<Op> ops = o.hist.get(lba);
                if (ops != null && !ops.isEmpty()) {
                    return ops.get(ops.size() - 1).value;
                }
            }
            o = o.valueParent;
        }
        return Value.ZERO;
    }

    /** The values {@code o}'s block may hold after a crash. */
    Set<Value> allowed(Obj o, long lba) {
        Set<Value> out = new LinkedHashSet<>();
        if (o.snapshot) {
            out.add(value(o, lba));
            return out;
        }
        List<Op> ops = o.hist.getOrDefault(lba, List.of());
        int k = -1;
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i).durable) {
                k = i;
            }
        }
        if (k < 0) {
            out.add(value(o.valueParent, lba));
            k = 0;
        }
        for (int i = k; i < ops.size(); i++) {
            out.add(ops.get(i).value);
        }
        return out;
    }

    /** The history of a block, for failure messages. */
    String history(Obj o, long lba) {
        StringBuilder sb = new StringBuilder(" (history: ");
        for (Op op : o.hist.getOrDefault(lba, List.of())) {
            sb.append(op.gen)
                    .append('=')
                    .append(op.value)
                    .append(op.durable ? " durable" : op.ackSeq > 0 ? " acked" : "")
                    .append("; ");
        }
        sb.append("parents:");
        for (Obj p = o.valueParent; p != null; p = p.valueParent) {
            sb.append(' ').append(p.name()).append(p.snapshot ? "=" + p.frozen.get(lba) : "");
        }
        return sb.append(")").toString();
    }

    /** Whether {@code o} must, may, or must not exist. */
    static Boolean mustExist(Obj o) {
        return switch (o.life) {
            case LIVE -> Boolean.TRUE;
            case GONE -> Boolean.FALSE;
            case REQUESTED, DELETING -> null;
        };
    }

    /** After a verification found {@code o} present or not: settle its life and ack effects. */
    void settle(Obj o, boolean exists) {
        if (o.life == Life.REQUESTED && exists && o.snapshot) {
            o.source.actualParent = o;
        }
        if (o.life == Life.DELETING && !exists) {
            deleted(o);
        }
        o.life = exists ? Life.LIVE : Life.GONE;
    }

    /** Replaces {@code o}'s history of {@code lba} with what was read. */
    void observed(Obj o, long lba, Value v) {
        if (o.snapshot) {
            o.frozen.put(lba, v);
            return;
        }
        Op op = new Op(0, v);
        op.durable = true;
        List<Op> ops = new ArrayList<>();
        ops.add(op);
        o.hist.put(lba, ops);
    }

    /**
     * Drops objects that are gone and that nothing live reads through to, so a model that lives
     * through thousands of crashes stays small.
     */
    void prune() {
        Set<Obj> keep = new java.util.HashSet<>();
        for (Obj o : objects.values()) {
            if (o.life != Life.GONE) {
                for (Obj p = o; p != null; p = p.valueParent) {
                    keep.add(p);
                }
                for (Obj p = o.actualParent; p != null; p = p.actualParent) {
                    for (Obj q = p; q != null; q = q.valueParent) {
                        keep.add(q);
                    }
                }
            }
        }
        objects.values().removeIf(o -> !keep.contains(o));
        for (Obj o : objects.values()) {
            if (o.life == Life.GONE) {
                o.hist.clear();
            }
        }
    }

    /** Forgets flushes and acks in flight at the crash. */
    void crashed() {
        acked.clear();
        opsByGen.clear();
        flushes.clear();
        pendingFua.clear();
    }
}
