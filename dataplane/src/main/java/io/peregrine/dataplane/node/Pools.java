package io.peregrine.dataplane.node;

import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.bdev.BdevException;
import io.peregrine.dataplane.bdev.BdevSpec;
import io.peregrine.dataplane.bdev.BdevUri;
import io.peregrine.dataplane.bdev.Bdevs;
import io.peregrine.dataplane.bdev.InvalidBdevUriException;
import io.peregrine.dataplane.bdev.OpenMode;
import io.peregrine.dataplane.bdev.Sizes;
import io.peregrine.dataplane.blob.BlobStore;
import io.peregrine.dataplane.blob.BlobStoreException;
import io.peregrine.dataplane.export.ExportRecord;
import io.peregrine.dataplane.export.Exports;
import io.peregrine.dataplane.lvol.LvolStore;
import io.peregrine.dataplane.lvol.PoolOptions;
import io.peregrine.dataplane.lvol.Volume;
import io.peregrine.dataplane.node.DataplaneException.Code;
import io.peregrine.dataplane.reactor.ReactorCore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * The pools this daemon has loaded, by name: create, import, export, destroy, and the re-import
 * of every remembered pool at start ({@link KnownPools}). A pool whose device is gone or will not
 * load stays listed in state ERROR with the reason; it never stops the daemon.
 *
 * <p>Idempotency and codes follow dataplane.proto: the same name on the same device returns the
 * pool; a name used on another device is ALREADY_EXISTS; a device that holds another pool is
 * FAILED_PRECONDITION; a device that is not there is NOT_FOUND.
 */
public final class Pools {
    private static final System.Logger LOG = System.getLogger(Pools.class.getName());

    /** Pool and volume names, as the management API allows them. */
    public static final Pattern NAME_RULE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    public static final long MIN_CLUSTER = 1L << 20;
    public static final long MAX_CLUSTER = 256L << 20;

    /** How long unpublishing waits for in-flight I/O before a pool can be unloaded. */
    static final Duration DRAIN_WAIT = Duration.ofSeconds(30);

    private final ReactorCore md;
    private final Exports exports;
    private final KnownPools known;
    private final ReentrantLock lifecycle = new ReentrantLock();
    private final Map<String, PoolEntry> pools = new LinkedHashMap<>();
    private final Map<DeviceIdentity, Bdev> retained = new LinkedHashMap<>();
    private final java.util.function.Predicate<Bdev> mustStayOpen;

    /**
     * @param mustStayOpen devices whose memory other components still use (the target's data
     *     buffers in a controller's DMA memory): unloading their pool keeps them open, and a later
     *     import of the same device reuses them
     */
    public Pools(ReactorCore md, Exports exports, KnownPools known, java.util.function.Predicate<Bdev> mustStayOpen) {
        this.md = md;
        this.exports = exports;
        this.known = known;
        this.mustStayOpen = mustStayOpen;
    }

    /** The open devices of loaded pools (and devices kept open for their memory). */
    public java.util.stream.Stream<Bdev> devices() {
        List<Bdev> all = new ArrayList<>();
        lifecycle.lock();
        try {
            for (PoolEntry e : pools.values()) {
                if (e.bdev() != null) {
                    all.add(e.bdev());
                }
            }
            all.addAll(retained.values());
        } finally {
            lifecycle.unlock();
        }
        return all.stream();
    }

    /** Closes the devices kept open for their memory; after the reactors stopped. */
    public void closeRetained() {
        lifecycle.lock();
        try {
            for (Bdev b : retained.values()) {
                closeNow(b);
            }
            retained.clear();
        } finally {
            lifecycle.unlock();
        }
    }

    public Exports exports() {
        return exports;
    }

    // ------------------------------------------------------------------ queries

    public List<PoolEntry> list() {
        lifecycle.lock();
        try {
            return List.copyOf(pools.values());
        } finally {
            lifecycle.unlock();
        }
    }

    /** The pool named {@code name}; NOT_FOUND otherwise. */
    public PoolEntry get(String name) {
        PoolEntry e = find(name);
        if (e == null) {
            throw DataplaneException.notFound("no pool '" + name + "' on this node" + knownNames());
        }
        return e;
    }

    public PoolEntry find(String name) {
        lifecycle.lock();
        try {
            return pools.get(name);
        } finally {
            lifecycle.unlock();
        }
    }

    /** The loaded pool on {@code device}, or null. */
    public PoolEntry onDevice(DeviceIdentity device) {
        lifecycle.lock();
        try {
            for (PoolEntry e : pools.values()) {
                if (e.device().equals(device)) {
                    return e;
                }
            }
            return null;
        } finally {
            lifecycle.unlock();
        }
    }

    private String knownNames() {
        List<String> names = new ArrayList<>(pools.keySet());
        return names.isEmpty() ? " (it has none; create one)" : " (it has " + String.join(", ", names) + ")";
    }

    // ------------------------------------------------------------------ lifecycle

    /** CreatePool. */
    public PoolEntry create(String name, String uri, long clusterSizeBytes) {
        checkName("pool", name);
        long cluster = clusterSizeBytes == 0 ? BlobStore.DEFAULT_CLUSTER_SIZE : clusterSizeBytes;
        if (Long.bitCount(cluster) != 1 || cluster < MIN_CLUSTER || cluster > MAX_CLUSTER) {
            throw DataplaneException.invalid("cluster size " + clusterSizeBytes
                    + " must be a power of two from 1 MiB to 256 MiB (0 means the default, 4 MiB)");
        }
        BdevSpec spec = parse(uri);
        DeviceIdentity device = DeviceIdentity.of(spec);
        lifecycle.lock();
        try {
            PoolEntry existing = pools.get(name);
            if (existing != null) {
                if (existing.device().equals(device)) {
                    return existing; // idempotent: the same pool on the same device
                }
                throw DataplaneException.alreadyExists("pool " + name + " already exists on " + existing.uri()
                        + "; choose another name for " + spec.uri());
            }
            PoolEntry other = onDevice(device);
            if (other != null) {
                throw DataplaneException.precondition(spec.uri() + " already holds pool " + other.name()
                        + " (loaded on this node); use that pool, or destroy it first");
            }
            Bdev bdev = open(spec);
            LvolStore store;
            try {
                // the engine runs the whole create on md, whoever calls (ReactorCore.call)
                store = EngineCalls.await(
                        LvolStore.create(bdev, md, PoolOptions.named(name).withClusterSize((int) cluster)));
            } catch (DataplaneException e) {
                closeQuietly(bdev);
                if (e.getCause() instanceof BlobStoreException bse
                        && bse.reason() == BlobStoreException.Reason.ALREADY_EXISTS) {
                    throw DataplaneException.precondition(
                            bse.getMessage() + "; to keep it, import it instead (ImportPool)");
                }
                throw e;
            }
            PoolEntry entry = PoolEntry.loaded(uri, device, bdev, store, List.of());
            pools.put(name, entry);
            remember();
            LOG.log(
                    System.Logger.Level.INFO,
                    "pool " + name + " created on " + spec.uri() + " (clusters of " + Sizes.format(cluster) + ")");
            return entry;
        } finally {
            lifecycle.unlock();
        }
    }

    /** ImportPool: loads the store on {@code uri}, with every volume and export on it. */
    public PoolEntry importPool(String uri, String expectedName) {
        if (!expectedName.isEmpty()) {
            checkName("pool", expectedName);
        }
        BdevSpec spec = parse(uri);
        DeviceIdentity device = DeviceIdentity.of(spec);
        lifecycle.lock();
        try {
            PoolEntry loaded = onDevice(device);
            if (loaded != null && loaded.loaded()) {
                if (!expectedName.isEmpty() && !expectedName.equals(loaded.name())) {
                    throw DataplaneException.precondition(spec.uri() + " holds pool " + loaded.name() + ", not "
                            + expectedName + "; import it under its own name or check the disk URI");
                }
                return loaded; // idempotent
            }
            if (loaded != null) {
                // a pool in error on this device: try again (the device may be back)
                pools.remove(loaded.name());
                loaded.markRemoved();
            }
            PoolEntry entry = load(uri, spec, device, expectedName);
            pools.put(entry.name(), entry);
            remember();
            return entry;
        } finally {
            lifecycle.unlock();
        }
    }

    private PoolEntry load(String uri, BdevSpec spec, DeviceIdentity device, String expectedName) {
        Bdev bdev = open(spec);
        LvolStore store;
        try {
            store = EngineCalls.await(LvolStore.importPool(bdev, md));
        } catch (DataplaneException e) {
            closeQuietly(bdev);
            if (e.getCause() instanceof BlobStoreException bse && bse.reason() == BlobStoreException.Reason.NOT_FOUND) {
                throw DataplaneException.precondition(
                        spec.uri() + " holds no pool (" + bse.getMessage() + "); create one with CreatePool");
            }
            throw e;
        }
        String name = store.blobStore().superBlock().name();
        String refusal = null;
        Code code = Code.FAILED_PRECONDITION;
        if (!expectedName.isEmpty() && !expectedName.equals(name)) {
            refusal = spec.uri() + " holds pool " + name + ", not " + expectedName
                    + "; import it under its own name or check the disk URI";
        } else if (pools.containsKey(name)) {
            code = Code.ALREADY_EXISTS;
            refusal = "a pool named " + name + " is loaded from "
                    + pools.get(name).uri() + " already; " + spec.uri()
                    + " holds another pool of that name. Export or rename one of them first";
        }
        if (refusal != null) {
            try {
                EngineCalls.await(store.export());
            } finally {
                closeQuietly(bdev);
            }
            throw new DataplaneException(code, refusal);
        }
        List<String> notes = new ArrayList<>();
        BlobStore.LoadReport report = store.loadReport();
        if (!report.clean()) {
            notes.add("recovered after an unclean stop: replayed " + report.replayedRecords() + " metadata records");
        }
        PoolEntry entry = PoolEntry.loaded(uri, device, bdev, store, notes);
        restoreExports(entry, notes);
        LOG.log(System.Logger.Level.INFO, "pool " + name + " imported from " + spec.uri());
        return entry;
    }

    /** Publishes again every volume whose metadata says it was published. */
    private void restoreExports(PoolEntry entry, List<String> notes) {
        LvolStore store = entry.store();
        List<String> problems = new ArrayList<>();
        Map<UUID, ExportRecord> records = EngineCalls.await(Exports.recorded(store, problems));
        for (Map.Entry<UUID, ExportRecord> r : records.entrySet()) {
            Volume v = EngineCalls.await(store.lookup(r.getKey().toString()));
            exports.apply(store, entry.name(), v.uuid(), v.name(), v.blockSize(), v.blockCount(), r.getValue());
        }
        for (String p : problems) {
            LOG.log(System.Logger.Level.WARNING, "pool " + entry.name() + ": " + p);
        }
        notes.addAll(problems);
    }

    /**
     * ExportPool: unloads a pool cleanly and forgets it, keeping its data (a pool in error is just
     * forgotten). FAILED_PRECONDITION while a volume is published, unless {@code force} unpublishes.
     */
    public void export(String name, boolean force) {
        lifecycle.lock();
        try {
            PoolEntry entry = get(name);
            entry.lockForRemoval();
            try {
                if (entry.loaded()) {
                    unpublishAll(entry, force, true, "export the pool");
                    EngineCalls.await(entry.store().export());
                    closeQuietly(entry.bdev());
                }
                entry.markRemoved();
                pools.remove(name);
                exports.forgetPool(name);
                remember();
            } finally {
                entry.unlockAfterRemoval();
            }
            LOG.log(System.Logger.Level.INFO, "pool " + name + " exported (unloaded cleanly) from " + entry.uri());
        } finally {
            lifecycle.unlock();
        }
    }

    /** DestroyPool: erases a pool. */
    public void destroy(String name, boolean force, boolean allowMissing) {
        lifecycle.lock();
        try {
            PoolEntry entry = find(name);
            if (entry == null) {
                if (allowMissing) {
                    return;
                }
                throw DataplaneException.notFound("no pool '" + name + "' on this node" + knownNames());
            }
            entry.lockForRemoval();
            try {
                if (!entry.loaded()) {
                    if (!force) {
                        throw DataplaneException.precondition("pool " + name + " is not loaded (" + entry.message()
                                + "), so it cannot be erased; destroy with force to forget it, or bring the"
                                + " device back and import it");
                    }
                } else {
                    LvolStore store = entry.store();
                    int volumes = EngineCalls.await(store.list()).size();
                    if (volumes > 0 && !force) {
                        throw DataplaneException.precondition("pool " + name + " holds " + volumes
                                + " volumes and snapshots; delete them first, or destroy with force");
                    }
                    unpublishAll(entry, force, false, "destroy the pool");
                    EngineCalls.await(store.destroy(force));
                    closeQuietly(entry.bdev());
                }
                entry.markRemoved();
                pools.remove(name);
                exports.forgetPool(name);
                remember();
            } finally {
                entry.unlockAfterRemoval();
            }
            LOG.log(System.Logger.Level.INFO, "pool " + name + " destroyed on " + entry.uri());
        } finally {
            lifecycle.unlock();
        }
    }

    private void unpublishAll(PoolEntry entry, boolean force, boolean persist, String what) {
        List<Exports.Export> published = exports.ofPool(entry.name());
        if (published.isEmpty()) {
            return;
        }
        if (!force) {
            throw DataplaneException.precondition("cannot " + what + " " + entry.name() + ": " + published.size()
                    + " of its volumes are published ("
                    + String.join(
                            ", ",
                            published.stream().map(e -> e.namespace().name()).toList())
                    + "); unpublish them, or pass force");
        }
        List<CompletableFuture<Void>> drained = new ArrayList<>();
        for (Exports.Export e : published) {
            if (persist) {
                EngineCalls.await(Exports.persist(entry.store(), e.volume(), null));
            }
            drained.add(exports.remove(e.volume()));
        }
        EngineCalls.await(CompletableFuture.allOf(drained.toArray(new CompletableFuture<?>[0])), DRAIN_WAIT);
    }

    // ------------------------------------------------------------------ start and stop

    /**
     * Imports every pool the data directory remembers. One that fails is listed in ERROR with the
     * reason; the others load regardless.
     */
    public void restore() {
        lifecycle.lock();
        try {
            for (KnownPools.Entry k : known.read()) {
                BdevSpec spec;
                try {
                    spec = BdevUri.parse(k.uri());
                } catch (InvalidBdevUriException e) {
                    pools.put(
                            k.name(),
                            PoolEntry.failed(
                                    k.name(),
                                    k.uri(),
                                    new DeviceIdentity("bad:" + k.uri()),
                                    "the remembered URI is not valid: " + e.getMessage()));
                    continue;
                }
                DeviceIdentity device = DeviceIdentity.of(spec);
                try {
                    String missing = DeviceIdentity.missing(spec);
                    if (missing != null) {
                        throw DataplaneException.notFound(missing);
                    }
                    PoolEntry entry = load(k.uri(), spec, device, k.name());
                    pools.put(entry.name(), entry);
                } catch (DataplaneException e) {
                    String why = "could not import " + k.uri() + " at start: " + e.getMessage();
                    LOG.log(System.Logger.Level.ERROR, "pool " + k.name() + ": " + why);
                    pools.put(k.name(), PoolEntry.failed(k.name(), k.uri(), device, why));
                }
            }
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * Shutdown: stops every export (hosts are disconnected, in-flight I/O drains) without touching
     * what the volumes record, then unloads every pool cleanly. Errors are logged; the rest goes on.
     */
    public void unloadAll() {
        lifecycle.lock();
        try {
            List<CompletableFuture<Void>> drained = new ArrayList<>();
            for (Exports.Export e : exports.all()) {
                drained.add(exports.remove(e.volume()));
            }
            try {
                EngineCalls.await(CompletableFuture.allOf(drained.toArray(new CompletableFuture<?>[0])), DRAIN_WAIT);
            } catch (DataplaneException e) {
                LOG.log(System.Logger.Level.WARNING, "exports did not drain: " + e.getMessage());
            }
            for (PoolEntry entry : pools.values()) {
                if (!entry.loaded()) {
                    continue;
                }
                entry.lockForRemoval();
                try {
                    EngineCalls.await(entry.store().export(), Duration.ofSeconds(60));
                    LOG.log(System.Logger.Level.INFO, "pool " + entry.name() + " unloaded cleanly");
                } catch (DataplaneException e) {
                    LOG.log(
                            System.Logger.Level.ERROR,
                            "pool " + entry.name() + " could not be unloaded cleanly (" + e.getMessage()
                                    + "); the next import recovers it");
                } finally {
                    entry.markRemoved();
                    entry.unlockAfterRemoval();
                    closeQuietly(entry.bdev());
                }
            }
            pools.clear();
        } finally {
            lifecycle.unlock();
        }
    }

    // ------------------------------------------------------------------ helpers

    private void remember() {
        List<KnownPools.Entry> entries = new ArrayList<>();
        for (PoolEntry e : pools.values()) {
            entries.add(new KnownPools.Entry(e.name(), e.uri()));
        }
        known.write(entries);
    }

    static void checkName(String what, String name) {
        if (name == null || !NAME_RULE.matcher(name).matches()) {
            throw DataplaneException.invalid(what + " name '" + (name == null ? "" : name.replaceAll("\\p{Cntrl}", "?"))
                    + "' must be 1-63 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit");
        }
    }

    static BdevSpec parse(String uri) {
        if (uri == null || uri.isBlank()) {
            throw DataplaneException.invalid("a disk URI is required, e.g. file:///var/lib/peregrine/disk.img?size=10G,"
                    + " uring:///dev/sdb or pcie://0000:00:05.0");
        }
        try {
            return BdevUri.parse(uri);
        } catch (InvalidBdevUriException e) {
            throw DataplaneException.invalid(e.getMessage());
        }
    }

    private Bdev open(BdevSpec spec) {
        Bdev kept = retained.remove(DeviceIdentity.of(spec));
        if (kept != null) {
            return kept;
        }
        String missing = DeviceIdentity.missing(spec);
        if (missing != null) {
            throw DataplaneException.notFound(missing);
        }
        try {
            return Bdevs.open(spec, OpenMode.READ_WRITE);
        } catch (BdevException e) {
            throw DataplaneException.precondition(e.getMessage());
        }
    }

    private void closeQuietly(Bdev bdev) {
        if (bdev == null) {
            return;
        }
        if (mustStayOpen.test(bdev)) {
            retained.put(DeviceIdentity.of(bdev.spec()), bdev);
            LOG.log(
                    System.Logger.Level.INFO,
                    bdev.uri() + " stays open: the NVMe/TCP target's data buffers live in its DMA memory");
            return;
        }
        closeNow(bdev);
    }

    private static void closeNow(Bdev bdev) {
        try {
            bdev.close();
        } catch (BdevException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing " + bdev.uri() + ": " + e.getMessage());
        }
    }
}
