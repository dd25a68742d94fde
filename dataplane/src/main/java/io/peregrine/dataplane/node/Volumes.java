package io.peregrine.dataplane.node;

import io.peregrine.dataplane.blob.BlobStoreException;
import io.peregrine.dataplane.export.Exports;
import io.peregrine.dataplane.lvol.LvolStore;
import io.peregrine.dataplane.lvol.Volume;
import io.peregrine.dataplane.lvol.VolumeStats;
import io.peregrine.dataplane.node.DataplaneException.Code;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Volumes, snapshots and clones across this node's pools, with the management API's rules laid
 * over the engine's (dataplane.proto): idempotency by (pool, name) or UUID, sizes rounded up to
 * whole clusters, and -- where the engine would do more than the API promises -- the API's answer:
 * a snapshot that clones read through is never merged away, it is FAILED_PRECONDITION.
 */
public final class Volumes {
    private final Pools pools;
    private final Exports exports;

    public Volumes(Pools pools, Exports exports) {
        this.pools = pools;
        this.exports = exports;
    }

    /** A volume and the pool it lives in. */
    public record Located(PoolEntry pool, Volume volume) {
        public UUID uuid() {
            return volume.uuid();
        }
    }

    // ------------------------------------------------------------------ lookups

    /** The volume with {@code uuid} in any loaded pool; NOT_FOUND otherwise. */
    public Located locate(UUID uuid) {
        Located found = find(uuid);
        if (found == null) {
            throw DataplaneException.notFound("no volume, snapshot or clone " + uuid + " on this node" + unloaded());
        }
        return found;
    }

    /** The volume with {@code uuid}, or null. */
    public Located find(UUID uuid) {
        for (PoolEntry p : pools.list()) {
            if (!p.loaded()) {
                continue;
            }
            Volume v = lookup(p.store(), uuid.toString());
            if (v != null && v.uuid().equals(uuid)) {
                return new Located(p, v);
            }
        }
        return null;
    }

    /** The volume {@code name} in pool {@code pool}; NOT_FOUND otherwise. */
    public Located get(String pool, String name) {
        PoolEntry p = pools.get(pool);
        Volume v = lookup(p.store(), name);
        if (v == null || !v.name().equals(name)) {
            throw DataplaneException.notFound("no volume, snapshot or clone named " + name + " in pool " + pool);
        }
        return new Located(p, v);
    }

    /** Volumes of one pool (null: every loaded pool), ordered by pool, then name. */
    public List<Located> list(String pool) {
        List<PoolEntry> which = pool == null || pool.isEmpty() ? pools.list() : List.of(pools.get(pool));
        List<Located> out = new ArrayList<>();
        for (PoolEntry p : which) {
            if (!p.loaded()) {
                continue;
            }
            for (Volume v : EngineCalls.await(p.store().list())) {
                out.add(new Located(p, v));
            }
        }
        out.sort(Comparator.comparing((Located l) -> l.pool().name())
                .thenComparing(l -> l.volume().name()));
        return out;
    }

    public VolumeStats stats(UUID uuid) {
        Located l = locate(uuid);
        return EngineCalls.await(l.pool().store().stats(uuid.toString()));
    }

    private static Volume lookup(LvolStore store, String nameOrUuid) {
        try {
            return EngineCalls.await(store.lookup(nameOrUuid));
        } catch (DataplaneException e) {
            if (e.code() == Code.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    private String unloaded() {
        List<String> down = new ArrayList<>();
        for (PoolEntry p : pools.list()) {
            if (!p.loaded()) {
                down.add(p.name());
            }
        }
        return down.isEmpty() ? "" : " (pools not loaded, which may hold it: " + String.join(", ", down) + ")";
    }

    // ------------------------------------------------------------------ changes

    /** CreateVolume: idempotent by (pool, name) for the same size and provisioning. */
    public Located create(String pool, String name, long sizeBytes, boolean thick, Map<String, String> xattrs) {
        Pools.checkName("volume", name);
        if (sizeBytes <= 0) {
            throw DataplaneException.invalid("volume " + name + ": size_bytes must be greater than zero");
        }
        PoolEntry p = pools.get(pool);
        LvolStore store = p.store();
        long size = roundUp(store, sizeBytes, "volume " + name);
        return p.locked(() -> {
            Volume existing = lookup(store, name);
            if (existing != null) {
                if (existing.kind() == Volume.Kind.VOLUME
                        && existing.sizeBytes() == size
                        && existing.thin() == !thick) {
                    return new Located(p, existing);
                }
                throw DataplaneException.alreadyExists("pool " + pool + " already has " + describe(existing)
                        + "; asked for a " + (thick ? "thick" : "thin") + " volume of " + size
                        + " bytes. Choose another name, or delete it first");
            }
            Volume v = EngineCalls.await(store.createVolume(name, size, !thick, xattrs));
            return new Located(p, v);
        });
    }

    /** DeleteVolume. */
    public void delete(UUID uuid, boolean allowMissing) {
        Located l = find(uuid);
        if (l == null) {
            if (allowMissing) {
                return;
            }
            throw DataplaneException.notFound("no volume, snapshot or clone " + uuid + " on this node" + unloaded()
                    + "; pass allow_missing to accept that");
        }
        PoolEntry p = l.pool();
        LvolStore store = p.store();
        p.locked(() -> {
            if (exports.get(uuid) != null) {
                throw DataplaneException.precondition(describe(l.volume()) + " is published as " + Exports.nqnOf(uuid)
                        + "; unpublish it before deleting it");
            }
            List<Volume> all = EngineCalls.await(store.list());
            Volume v = byUuid(all, uuid);
            if (v == null) {
                return null; // deleted meanwhile
            }
            if (v.kind() == Volume.Kind.SNAPSHOT) {
                List<String> clones = clonesReadingThrough(all, v);
                if (!clones.isEmpty()) {
                    throw DataplaneException.precondition(describe(v) + " has clones that read through it ("
                            + String.join(", ", clones) + "); delete or decouple them first");
                }
            }
            try {
                EngineCalls.await(store.delete(uuid.toString()));
                exports.forget(uuid);
            } catch (DataplaneException e) {
                if (e.getCause() instanceof BlobStoreException bse
                        && bse.reason() == BlobStoreException.Reason.BUSY
                        && v.decoupling()) {
                    throw new DataplaneException(Code.ABORTED, e.getMessage(), e);
                }
                if (e.code() != Code.NOT_FOUND) {
                    throw e;
                }
            }
            return null;
        });
    }

    /** GrowVolume: online; OK and unchanged at the current size. */
    public Located grow(UUID uuid, long sizeBytes) {
        Located l = locate(uuid);
        PoolEntry p = l.pool();
        LvolStore store = p.store();
        return p.locked(() -> {
            Volume v = lookup(store, uuid.toString());
            if (v == null) {
                throw DataplaneException.notFound("volume " + uuid + " was deleted meanwhile");
            }
            if (v.kind() == Volume.Kind.SNAPSHOT) {
                throw DataplaneException.precondition(describe(v) + " is a snapshot; snapshots keep their size");
            }
            if (sizeBytes < v.sizeBytes()) {
                throw new DataplaneException(
                        Code.OUT_OF_RANGE,
                        "cannot shrink " + describe(v) + " from " + v.sizeBytes() + " to " + sizeBytes
                                + " bytes; volumes only grow");
            }
            long size = roundUp(store, sizeBytes, describe(v));
            if (size == v.sizeBytes()) {
                return new Located(p, v);
            }
            Volume grown = EngineCalls.await(store.grow(uuid.toString(), size));
            exports.resized(uuid, grown.blockCount());
            return new Located(p, grown);
        });
    }

    /** CreateSnapshot: idempotent by (pool, name) for the same source. */
    public Located snapshot(UUID source, String name, Map<String, String> xattrs) {
        Pools.checkName("snapshot", name);
        Located src = locate(source);
        PoolEntry p = src.pool();
        LvolStore store = p.store();
        return p.locked(() -> {
            Volume existing = lookup(store, name);
            if (existing != null) {
                if (existing.kind() == Volume.Kind.SNAPSHOT && source.equals(existing.origin())) {
                    return new Located(p, existing);
                }
                throw DataplaneException.alreadyExists("pool " + p.name() + " already has " + describe(existing)
                        + ", which is not a snapshot of " + src.volume().name() + "; choose another name");
            }
            if (src.volume().kind() == Volume.Kind.SNAPSHOT) {
                throw DataplaneException.invalid(describe(src.volume())
                        + " is a snapshot already; clone it to get a writable copy, and snapshot the clone");
            }
            return new Located(p, EngineCalls.await(store.snapshot(source.toString(), name, xattrs)));
        });
    }

    /** CreateClone: idempotent by (pool, name) for the same snapshot. */
    public Located clone(UUID snapshot, String name, long sizeBytes, Map<String, String> xattrs) {
        Pools.checkName("clone", name);
        Located snap = locate(snapshot);
        PoolEntry p = snap.pool();
        LvolStore store = p.store();
        if (snap.volume().kind() != Volume.Kind.SNAPSHOT) {
            throw DataplaneException.invalid(
                    describe(snap.volume()) + " is not a snapshot; snapshot it first, then clone the snapshot");
        }
        long size = sizeBytes == 0 ? snap.volume().sizeBytes() : sizeBytes;
        if (size < snap.volume().sizeBytes()) {
            throw new DataplaneException(
                    Code.OUT_OF_RANGE,
                    "a clone of " + describe(snap.volume()) + " needs at least its "
                            + snap.volume().sizeBytes() + " bytes, not " + sizeBytes);
        }
        long rounded = roundUp(store, size, "clone " + name);
        return p.locked(() -> {
            Volume existing = lookup(store, name);
            if (existing != null) {
                if (existing.kind() == Volume.Kind.CLONE && snapshot.equals(existing.origin())) {
                    return new Located(p, existing);
                }
                throw DataplaneException.alreadyExists("pool " + p.name() + " already has " + describe(existing)
                        + ", which is not a clone of " + snap.volume().name() + "; choose another name");
            }
            return new Located(p, EngineCalls.await(store.clone(snapshot.toString(), name, rounded, xattrs)));
        });
    }

    /** DecoupleVolume: waits until the copy is done. A volume without a parent is returned as it is. */
    public Located decouple(UUID uuid) {
        Located l = locate(uuid);
        LvolStore store = l.pool().store();
        if (l.volume().parent() == null) {
            return l;
        }
        try {
            return new Located(
                    l.pool(), EngineCalls.await(store.decouple(uuid.toString()), java.time.Duration.ofHours(6)));
        } catch (DataplaneException e) {
            if (e.getCause() instanceof BlobStoreException bse && bse.reason() == BlobStoreException.Reason.BUSY) {
                throw new DataplaneException(Code.ABORTED, e.getMessage() + "; retry when it is done", e);
            }
            throw e;
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Clones of {@code snapshot} whose parent chain still passes through it. */
    private static List<String> clonesReadingThrough(List<Volume> all, Volume snapshot) {
        Map<String, Volume> byName = new HashMap<>();
        for (Volume v : all) {
            byName.put(v.name(), v);
        }
        List<String> out = new ArrayList<>();
        for (Volume v : all) {
            if (v.kind() != Volume.Kind.CLONE || !snapshot.uuid().equals(v.origin())) {
                continue;
            }
            Volume at = v;
            for (int hops = 0; at != null && at.parent() != null && hops <= all.size(); hops++) {
                at = byName.get(at.parent());
                if (at != null && at.uuid().equals(snapshot.uuid())) {
                    out.add(v.name());
                    break;
                }
            }
        }
        return out;
    }

    private static Volume byUuid(List<Volume> all, UUID uuid) {
        for (Volume v : all) {
            if (v.uuid().equals(uuid)) {
                return v;
            }
        }
        return null;
    }

    /** {@code bytes} rounded up to whole clusters; OUT_OF_RANGE past what a pool can describe. */
    private static long roundUp(LvolStore store, long bytes, String what) {
        long cs = store.blobStore().superBlock().clusterSize();
        long clusters = (bytes - 1) / cs + 1;
        if (clusters > Integer.MAX_VALUE) {
            throw new DataplaneException(
                    Code.OUT_OF_RANGE,
                    what + ": " + bytes + " bytes is more than a pool with " + cs + "-byte clusters can describe ("
                            + (long) Integer.MAX_VALUE * cs + ")");
        }
        return clusters * cs;
    }

    static String describe(Volume v) {
        String kind = Objects.requireNonNull(v.kind()).name().toLowerCase(java.util.Locale.ROOT);
        return kind + " " + v.name() + " (" + v.uuid() + ")";
    }
}
