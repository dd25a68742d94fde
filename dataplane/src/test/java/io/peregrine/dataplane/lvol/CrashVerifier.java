package io.peregrine.dataplane.lvol;

import io.peregrine.dataplane.bdev.IoBuffer;
import io.peregrine.dataplane.bdev.IoStatus;
import io.peregrine.dataplane.lvol.BlockPattern.Value;
import io.peregrine.dataplane.reactor.Reactor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Checks a reopened pool against a {@link CrashModel} and collapses the model to what it read. */
final class CrashVerifier {
    private static final int CHUNK = 256;
    private static final int MAX_PROBLEMS = 20;

    private CrashVerifier() {}

    /** Problems found; also counts blocks checked into {@code checked[0]}. */
    static List<String> verify(LvolStore pool, CrashModel model, Reactor r, long[] checked) {
        List<String> problems = new ArrayList<>();
        Map<String, Volume> onDisk = new HashMap<>();
        for (Volume v : r.runUntil(pool.list())) {
            onDisk.put(v.name(), v);
        }
        for (CrashModel.Obj o : model.objects.values()) {
            if (o.life == CrashModel.Life.GONE) {
                if (onDisk.containsKey(o.name())) {
                    problems.add(o.name() + " was deleted (acknowledged) but exists");
                }
                continue;
            }
            Volume v = onDisk.get(o.name());
            Boolean must = CrashModel.mustExist(o);
            if (v == null) {
                if (Boolean.TRUE.equals(must)) {
                    problems.add(o.name() + " was acknowledged but is missing");
                }
                model.settle(o, false);
                continue;
            }
            if (v.blockCount() != o.blocks || v.snapshot() != o.snapshot) {
                problems.add(o.name() + " has " + v.blockCount() + " blocks, snapshot=" + v.snapshot() + "; expected "
                        + o.blocks + ", snapshot=" + o.snapshot);
            }
            readAll(pool, model, r, o, v, problems, checked);
            model.settle(o, true);
            if (problems.size() > MAX_PROBLEMS) {
                break;
            }
        }
        for (String name : onDisk.keySet()) {
            CrashModel.Obj o = model.objects.get(Integer.parseInt(name.substring(1)));
            if (o == null) {
                problems.add(name + " exists but was never requested, or was deleted long ago");
            }
        }
        for (CrashModel.Obj o : model.objects.values()) {
            Volume v = onDisk.get(o.name());
            if (v != null && o.life == CrashModel.Life.LIVE) {
                String want = o.actualParent == null ? null : o.actualParent.name();
                if (!Objects.equals(want, v.parent())) {
                    problems.add(o.name() + " reads through to " + v.parent() + ", expected " + want);
                }
            }
        }
        model.crashed();
        model.prune();
        return problems;
    }

    private static void readAll(
            LvolStore pool,
            CrashModel model,
            Reactor r,
            CrashModel.Obj o,
            Volume v,
            List<String> problems,
            long[] checked) {
        VolumeChannel ch = pool.openChannel(v.uuid(), r.core());
        int bs = ch.blockSize();
        try (IoBuffer buf = ch.allocateBuffer((long) CHUNK * bs)) {
            for (long lba = 0; lba < v.blockCount(); lba += CHUNK) {
                int n = (int) Math.min(CHUNK, v.blockCount() - lba);
                CompletableFuture<IoStatus> f = new CompletableFuture<>();
                long at = lba;
                ch.read(at, n, buf.segment(), 0, f::complete);
                IoStatus st = r.runUntil(f);
                if (!st.isSuccess()) {
                    problems.add(o.name() + ": read at " + lba + " failed: " + st);
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    Value got = BlockPattern.decode(buf.segment(), (long) i * bs, bs);
                    Set<Value> allowed = model.allowed(o, lba + i);
                    if (!allowed.contains(got) && problems.size() <= MAX_PROBLEMS) {
                        problems.add(o.name() + " block " + (lba + i) + " holds " + got + "; allowed: " + allowed
                                + model.history(o, lba + i));
                    }
                    model.observed(o, lba + i, got);
                    checked[0]++;
                }
            }
        } finally {
            ch.close();
        }
    }
}
