package io.peregrine.dataplane.lvol;

import io.peregrine.dataplane.bdev.IoBuffer;
import io.peregrine.dataplane.bdev.IoStatus;
import io.peregrine.dataplane.reactor.Poller;
import io.peregrine.dataplane.reactor.ReactorCore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.Random;
import java.util.Set;

/**
 * A random mix of writes (some FUA), whole-cluster unmaps, flushes, creates, snapshots, clones and
 * deletes against a pool, run as a poller on one reactor, announcing every step as an event line:
 *
 * <pre>
 *   R                          ready
 *   V tag blocks / V+ tag      create volume requested / acknowledged
 *   S tag src / S+ tag         snapshot of src requested / acknowledged
 *   C tag snap / C+ tag        clone of snap requested / acknowledged
 *   D tag / D+ tag             delete requested / acknowledged
 *   W tag lba n gen fua / W+ gen   write submitted / acknowledged
 *   U tag lba n gen / U+ gen   unmap submitted / acknowledged
 *   F id / F+ id               flush submitted / acknowledged
 * </pre>
 *
 * A request's event is emitted before the request is made and an acknowledgement's after it
 * happened, so whoever reads the events never knows less than what may be on disk, nor more than
 * what was promised.
 */
final class Workload implements Poller {
    interface Events {
        void emit(String line);
    }

    static final int QUEUE_DEPTH = 16;
    static final int MAX_OBJECTS = 24;
    static final int VOLUME_CLUSTERS = 16;
    static final int MAX_BLOCKS = 24;

    private final LvolStore pool;
    private final ReactorCore core;
    private final Random rnd;
    private final Events ev;
    private final int blockSize;
    private final int clusterBlocks;
    private int nextTag;
    private long nextGen;
    private long nextFlush;
    private final Map<Integer, Target> targets = new HashMap<>();
    private final ArrayDeque<IoBuffer> buffers = new ArrayDeque<>();
    private int outstanding;
    private boolean controlBusy;
    private Target draining;
    /**
     * The snapshot being deleted: its dependent gets it merged in, so what an unmap there reads
     * through to changes mid-flight; the model cannot name one value, so no unmaps go there.
     */
    private int deletingTag;

    private Runnable afterDrain;
    private long submitted;

    private static final class Target {
        final int tag;
        final boolean snapshot;
        final long blocks;
        final java.util.UUID uuid;
        int parent;
        VolumeChannel ch;
        int inflight;
        boolean locked;
        final Set<Long> busy = new HashSet<>();

        Target(int tag, boolean snapshot, long blocks, java.util.UUID uuid, int parent) {
            this.tag = tag;
            this.snapshot = snapshot;
            this.blocks = blocks;
            this.uuid = uuid;
            this.parent = parent;
        }
    }

    Workload(LvolStore pool, ReactorCore core, long seed, int cycle, Events ev) {
        this.pool = pool;
        this.core = core;
        this.rnd = new Random(seed);
        this.ev = ev;
        this.blockSize = pool.blobStore().bdev().blockSize();
        this.clusterBlocks = pool.blobStore().superBlock().clusterSize() / blockSize;
        this.nextTag = cycle * 1000 + 1;
        this.nextGen = (long) cycle * 1_000_000_000L + 1;
        this.nextFlush = (long) cycle * 1_000_000L + 1;
    }

    /** Learns what the pool holds (objects of earlier cycles). */
    void adopt(List<Volume> existing) {
        for (Volume v : existing) {
            int tag = Integer.parseInt(v.name().substring(1));
            int parent = v.parent() == null ? 0 : Integer.parseInt(v.parent().substring(1));
            targets.put(tag, new Target(tag, v.snapshot(), v.blockCount(), v.uuid(), parent));
        }
    }

    long submitted() {
        return submitted;
    }

    @Override
    public int poll() {
        int n = 0;
        if (draining != null && draining.inflight == 0) {
            Runnable r = afterDrain;
            draining = null;
            afterDrain = null;
            r.run();
            n++;
        }
        while (outstanding < QUEUE_DEPTH) {
            if (!controlBusy && rnd.nextInt(100) < 6) {
                control();
                n++;
                continue;
            }
            if (!data()) {
                break;
            }
            n++;
        }
        return n;
    }

    // ------------------------------------------------------------------ data

    private boolean data() {
        List<Target> ws = new ArrayList<>();
        for (Target t : targets.values()) {
            if (!t.snapshot && !t.locked) {
                ws.add(t);
            }
        }
        if (ws.isEmpty()) {
            return false;
        }
        Target t = ws.get(rnd.nextInt(ws.size()));
        if (t.ch == null) {
            t.ch = pool.openChannel(t.uuid, core);
        }
        int dice = rnd.nextInt(100);
        if (dice < 8) {
            flush(t);
            return true;
        }
        boolean unmap = dice < 20 && (deletingTag == 0 || t.parent != deletingTag);
        long lba;
        int n;
        if (unmap) {
            lba = (long) rnd.nextInt((int) (t.blocks / clusterBlocks)) * clusterBlocks;
            n = clusterBlocks;
        } else {
            n = 1 + rnd.nextInt(MAX_BLOCKS);
            lba = rnd.nextLong(t.blocks - n + 1);
        }
        for (long b = lba; b < lba + n; b++) {
            if (t.busy.contains(b)) {
                return true; // overlapping I/O in flight: skip this one
            }
        }
        for (long b = lba; b < lba + n; b++) {
            t.busy.add(b);
        }
        long gen = nextGen++;
        outstanding++;
        t.inflight++;
        submitted++;
        if (unmap) {
            ev.emit("U " + t.tag + " " + lba + " " + n + " " + gen);
            t.ch.unmap(lba, n, st -> done(t, lba, n, st, "U+ " + gen));
        } else {
            boolean fua = rnd.nextInt(10) == 0;
            IoBuffer buf = buffer();
            for (int i = 0; i < n; i++) {
                BlockPattern.fill(buf.segment(), (long) i * blockSize, blockSize, t.tag, lba + i, gen);
            }
            ev.emit("W " + t.tag + " " + lba + " " + n + " " + gen + " " + (fua ? 1 : 0));
            t.ch.write(lba, n, buf.segment(), 0, fua, st -> {
                buffers.push(buf);
                done(t, lba, n, st, "W+ " + gen);
            });
        }
        return true;
    }

    private void done(Target t, long lba, int n, IoStatus st, String ack) {
        outstanding--;
        t.inflight--;
        for (long b = lba; b < lba + n; b++) {
            t.busy.remove(b);
        }
        if (st.isSuccess()) {
            ev.emit(ack);
        } else {
            System.err.println("workload: " + ack + " failed: " + st);
        }
    }

    private void flush(Target t) {
        long id = nextFlush++;
        outstanding++;
        t.inflight++;
        ev.emit("F " + id);
        t.ch.flush(st -> {
            outstanding--;
            t.inflight--;
            if (st.isSuccess()) {
                ev.emit("F+ " + id);
            } else {
                System.err.println("workload: flush " + id + " failed: " + st);
            }
        });
    }

    private IoBuffer buffer() {
        IoBuffer b = buffers.poll();
        return b != null ? b : pool.blobStore().bdev().allocateBuffer((long) MAX_BLOCKS * blockSize);
    }

    // ------------------------------------------------------------------ control

    private void control() {
        int dice = rnd.nextInt(100);
        List<Target> writable = new ArrayList<>();
        List<Target> snaps = new ArrayList<>();
        for (Target t : targets.values()) {
            if (!t.locked) {
                (t.snapshot ? snaps : writable).add(t);
            }
        }
        if (targets.size() >= MAX_OBJECTS || (dice < 20 && !targets.isEmpty())) {
            delete();
        } else if (dice < 45 || writable.isEmpty()) {
            create();
        } else if (dice < 75) {
            snapshot(writable.get(rnd.nextInt(writable.size())));
        } else if (!snaps.isEmpty()) {
            clone(snaps.get(rnd.nextInt(snaps.size())));
        } else {
            create();
        }
    }

    private void create() {
        int tag = nextTag++;
        long blocks = (long) VOLUME_CLUSTERS * clusterBlocks;
        controlBusy = true;
        ev.emit("V " + tag + " " + blocks);
        pool.createVolume("t" + tag, blocks * blockSize, true, Map.of("csi.storage.k8s.io/pvc/name", "pvc-" + tag))
                .whenComplete((v, e) -> {
                    controlBusy = false;
                    if (e == null) {
                        ev.emit("V+ " + tag);
                        targets.put(tag, new Target(tag, false, blocks, v.uuid(), 0));
                    } else {
                        System.err.println("workload: create t" + tag + " failed: " + e);
                    }
                });
    }

    private void snapshot(Target src) {
        controlBusy = true;
        src.locked = true;
        drainThen(src, () -> {
            int tag = nextTag++;
            ev.emit("S " + tag + " " + src.tag);
            pool.snapshot("t" + src.tag, "t" + tag, Map.of()).whenComplete((v, e) -> {
                controlBusy = false;
                src.locked = false;
                if (e == null) {
                    ev.emit("S+ " + tag);
                    targets.put(tag, new Target(tag, true, src.blocks, v.uuid(), src.parent));
                    src.parent = tag;
                } else {
                    System.err.println("workload: snapshot t" + tag + " failed: " + e);
                }
            });
        });
    }

    private void clone(Target snap) {
        controlBusy = true;
        int tag = nextTag++;
        ev.emit("C " + tag + " " + snap.tag);
        pool.clone("t" + snap.tag, "t" + tag, Map.of()).whenComplete((v, e) -> {
            controlBusy = false;
            if (e == null) {
                ev.emit("C+ " + tag);
                targets.put(tag, new Target(tag, false, snap.blocks, v.uuid(), snap.tag));
            } else {
                System.err.println("workload: clone t" + tag + " failed: " + e);
            }
        });
    }

    private void delete() {
        List<Target> candidates = new ArrayList<>();
        for (Target t : targets.values()) {
            if (!t.locked && dependents(t) <= 1) {
                candidates.add(t);
            }
        }
        if (candidates.isEmpty()) {
            return;
        }
        Target t = candidates.get(rnd.nextInt(candidates.size()));
        controlBusy = true;
        t.locked = true;
        drainThen(t, () -> {
            if (t.ch != null) {
                t.ch.close();
                t.ch = null;
            }
            ev.emit("D " + t.tag);
            deletingTag = t.tag;
            pool.delete("t" + t.tag).whenComplete((v, e) -> {
                controlBusy = false;
                deletingTag = 0;
                if (e == null) {
                    ev.emit("D+ " + t.tag);
                    targets.remove(t.tag);
                    for (Target x : targets.values()) {
                        if (x.parent == t.tag) {
                            x.parent = t.parent;
                        }
                    }
                } else {
                    t.locked = false;
                    System.err.println("workload: delete t" + t.tag + " failed: " + e);
                }
            });
        });
    }

    private int dependents(Target t) {
        int n = 0;
        for (Target x : targets.values()) {
            if (x.parent == t.tag) {
                n++;
            }
        }
        return n;
    }

    private void drainThen(Target t, Runnable r) {
        draining = t;
        afterDrain = r;
    }

    /** Waits for everything in flight and closes the channels (an orderly stop). */
    void closeChannels() {
        for (Entry<Integer, Target> e : targets.entrySet()) {
            if (e.getValue().ch != null) {
                e.getValue().ch.close();
                e.getValue().ch = null;
            }
        }
    }

    int outstanding() {
        return outstanding;
    }

    boolean controlBusy() {
        return controlBusy || draining != null;
    }
}
