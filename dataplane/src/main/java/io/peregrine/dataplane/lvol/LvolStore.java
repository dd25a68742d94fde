package io.peregrine.dataplane.lvol;

import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.blob.BlobChannel;
import io.peregrine.dataplane.blob.BlobInfo;
import io.peregrine.dataplane.blob.BlobStore;
import io.peregrine.dataplane.blob.BlobStoreException;
import io.peregrine.dataplane.blob.BlobStoreException.Reason;
import io.peregrine.dataplane.reactor.ReactorCore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A pool of logical volumes (what Mayastor calls a pool, SPDK an lvol store): volumes with names
 * and attributes on top of a {@link BlobStore}. Names are unique within the pool; each volume's
 * UUID is fixed at creation and survives export and import.
 *
 * <p>Every operation may be called from any thread; its steps run, and its future completes, on
 * the pool's metadata reactor ({@link ReactorCore#call}), whoever called.
 * The name index lives on that reactor too, and names being created are reserved there, so two
 * concurrent creates of one name cannot both succeed.
 */
public final class LvolStore {
    /** Attributes under this prefix are the store's own; user attributes may not use it. */
    public static final String RESERVED_PREFIX = "peregrine.";

    /** The attribute holding a volume's name. */
    public static final String NAME = RESERVED_PREFIX + "name";

    /** A snapshot's source volume, a clone's snapshot (UUID). */
    public static final String ORIGIN = RESERVED_PREFIX + "origin";

    /** Creation time, milliseconds since the epoch. */
    public static final String CREATED = RESERVED_PREFIX + "created";

    /** Names as the management API allows them: 1-63 of [A-Za-z0-9._-], starting alphanumeric. */
    private static final java.util.regex.Pattern NAME_RULE =
            java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private final BlobStore store;
    private final ReactorCore md;
    // written on the metadata reactor only; read anywhere (channels open on I/O reactors)
    private final ConcurrentHashMap<String, UUID> byName = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<UUID, String> nameOf = new ConcurrentHashMap<>();
    private final Set<String> reserved = new HashSet<>();

    private LvolStore(BlobStore store) {
        this.store = store;
        this.md = store.mdCore();
    }

    /** Formats {@code bdev} as a new, empty pool. */
    public static CompletableFuture<LvolStore> create(Bdev bdev, ReactorCore md, PoolOptions options) {
        if (options.name() == null || !NAME_RULE.matcher(options.name()).matches()) {
            return failed(
                    Reason.INVALID_ARGUMENT,
                    "pool name '" + options.name() + "' must be 1-63 characters of A-Z a-z 0-9 . _ -, starting"
                            + " with a letter or digit");
        }
        // chained on the metadata reactor, so indexing never runs on the caller: see ReactorCore.call
        return md.call(() -> BlobStore.create(bdev, md, options.name(), options.clusterSize(), options.force())
                .thenCompose(LvolStore::index));
    }

    /** Imports the pool on {@code bdev}, recovering it if it was not exported cleanly. */
    public static CompletableFuture<LvolStore> importPool(Bdev bdev, ReactorCore md) {
        return md.call(() -> BlobStore.load(bdev, md).thenCompose(LvolStore::index));
    }

    private static CompletableFuture<LvolStore> index(BlobStore store) {
        LvolStore l = new LvolStore(store);
        // called on the metadata reactor (create, importPool): the index is filled there
        return store.list().thenApply(blobs -> {
            for (BlobInfo b : blobs) {
                String n = nameOf(b);
                if (n != null) {
                    l.named(n, b.uuid());
                }
            }
            return l;
        });
    }

    /** The blob store underneath (the checker and benchmarks look at it). */
    public BlobStore blobStore() {
        return store;
    }

    public BlobStore.LoadReport loadReport() {
        return store.loadReport();
    }

    public CompletableFuture<PoolInfo> info() {
        return md.call(() -> store.stats().thenCombine(store.list(), (s, blobs) -> {
            int snaps = 0;
            for (BlobInfo b : blobs) {
                snaps += b.readOnly() ? 1 : 0;
            }
            int cs = store.superBlock().clusterSize();
            return new PoolInfo(
                    store.superBlock().name(),
                    store.superBlock().uuid(),
                    store.bdev().uri(),
                    cs,
                    s.clusters() * cs,
                    s.freeClusters() * cs,
                    s.ownedClusters() * cs,
                    blobs.size() - snaps,
                    snaps);
        }));
    }

    // ------------------------------------------------------------------ volumes

    /**
     * Creates a volume of at least {@code sizeBytes} (rounded up to whole clusters), thin unless
     * {@code thin} is false, with user {@code attributes}.
     */
    public CompletableFuture<Volume> createVolume(
            String name, long sizeBytes, boolean thin, Map<String, String> attributes) {
        int cs = store.superBlock().clusterSize();
        if (sizeBytes <= 0) {
            return failed(Reason.INVALID_ARGUMENT, "volume " + name + ": size must be greater than zero, e.g. 10G");
        }
        if (sizeBytes % store.bdev().blockSize() != 0) {
            return failed(
                    Reason.INVALID_ARGUMENT,
                    "volume " + name + ": size " + sizeBytes + " is not a multiple of the "
                            + store.bdev().blockSize() + "-byte block size");
        }
        long clusters = (sizeBytes + cs - 1) / cs;
        return md.call(() -> withNewName(name, attributes, null, x -> store.createBlob(clusters, thin, x)));
    }

    /** Snapshots {@code volume} as {@code snapshotName}. */
    public CompletableFuture<Volume> snapshot(String volume, String snapshotName, Map<String, String> attributes) {
        return md.call(() -> resolve(volume)
                .thenCompose(src -> withNewName(snapshotName, attributes, src, x -> store.snapshot(src, x))));
    }

    /** A writable, thin clone of snapshot {@code snapshot} with the snapshot's size. */
    public CompletableFuture<Volume> clone(String snapshot, String cloneName, Map<String, String> attributes) {
        return clone(snapshot, cloneName, 0, attributes);
    }

    /**
     * A writable, thin clone of snapshot {@code snapshot}, of at least {@code sizeBytes} (0: the
     * snapshot's size; smaller than the snapshot is refused).
     */
    public CompletableFuture<Volume> clone(
            String snapshot, String cloneName, long sizeBytes, Map<String, String> attributes) {
        int cs = store.superBlock().clusterSize();
        long clusters = (sizeBytes + cs - 1) / cs;
        return md.call(() -> resolve(snapshot)
                .thenCompose(snap -> withNewName(cloneName, attributes, snap, x -> store.clone(snap, clusters, x))));
    }

    /**
     * Deletes a volume or snapshot. A snapshot with exactly one dependent is merged into it; with
     * clones it is refused, naming them.
     */
    public CompletableFuture<Void> delete(String name) {
        // The index is cleaned by UUID: callers name a volume by its name or by its UUID (the
        // management API deletes by UUID), and either way its name must become free again.
        return md.call(() -> resolve(name)
                .thenCompose(uuid -> store.delete(uuid)
                        .thenCompose(v -> md.submit(() -> {
                            String n = nameOf.remove(uuid);
                            if (n != null) {
                                byName.remove(n, uuid);
                            }
                            return null;
                        }))));
    }

    /** Grows a volume online to at least {@code sizeBytes}. */
    public CompletableFuture<Volume> grow(String name, long sizeBytes) {
        int cs = store.superBlock().clusterSize();
        if (sizeBytes <= 0) {
            return failed(Reason.INVALID_ARGUMENT, "volume " + name + ": size must be greater than zero");
        }
        long clusters = (sizeBytes + cs - 1) / cs;
        return md.call(() ->
                resolve(name).thenCompose(uuid -> store.resize(uuid, clusters)).thenCompose(this::volume));
    }

    /** Copies what a clone still reads from its snapshot, so the snapshot can be deleted. */
    public CompletableFuture<Volume> decouple(String name) {
        return md.call(() -> resolve(name).thenCompose(store::decouple).thenCompose(this::volume));
    }

    /** Sets a user attribute ({@code value} null removes it). */
    public CompletableFuture<Volume> setAttribute(String name, String key, String value) {
        if (key.startsWith(RESERVED_PREFIX)) {
            return failed(
                    Reason.INVALID_ARGUMENT, "attribute keys starting with '" + RESERVED_PREFIX + "' are reserved");
        }
        return md.call(() -> resolve(name)
                .thenCompose(uuid ->
                        store.setXattr(uuid, key, value == null ? null : value.getBytes(StandardCharsets.UTF_8)))
                .thenCompose(this::volume));
    }

    /** Every volume and snapshot, by name. */
    public CompletableFuture<List<Volume>> list() {
        return md.call(() -> store.list().thenApply(blobs -> {
            Map<UUID, String> names = names(blobs);
            List<Volume> out = new ArrayList<>();
            for (BlobInfo b : blobs) {
                out.add(toVolume(b, names));
            }
            out.sort(java.util.Comparator.comparing(Volume::name));
            return out;
        }));
    }

    /** A volume by name or UUID. */
    public CompletableFuture<Volume> lookup(String nameOrUuid) {
        return md.call(() -> resolve(nameOrUuid).thenCompose(store::get).thenCompose(this::volume));
    }

    public CompletableFuture<VolumeStats> stats(String name) {
        return md.call(() -> resolve(name)
                .thenCompose(uuid -> store.ioStats(uuid)
                        .thenCombine(
                                store.get(uuid),
                                (s, b) -> new VolumeStats(
                                        name,
                                        s.reads(),
                                        s.readBytes(),
                                        s.writes(),
                                        s.writeBytes(),
                                        s.writeZeroes(),
                                        s.unmaps(),
                                        s.flushes(),
                                        s.errors(),
                                        s.readNanos(),
                                        s.writeNanos(),
                                        b.allocatedClusters()
                                                * store.superBlock().clusterSize()))));
    }

    /** Opens this reactor's channel to volume {@code uuid}; call on {@code core}'s thread. */
    public VolumeChannel openChannel(UUID uuid, ReactorCore core) {
        BlobChannel ch = store.openChannel(uuid, core);
        return new VolumeChannel(ch, nameOf.getOrDefault(uuid, uuid.toString()));
    }

    // ------------------------------------------------------------------ pool

    /** Exports the pool cleanly; every volume must be closed. */
    public CompletableFuture<Void> export() {
        return store.unload();
    }

    /** Destroys the pool; {@code force} even when it still holds volumes. */
    public CompletableFuture<Void> destroy(boolean force) {
        return store.destroy(force);
    }

    // ------------------------------------------------------------------ helpers

    private CompletableFuture<Volume> withNewName(
            String name,
            Map<String, String> attributes,
            UUID origin,
            Function<SortedMap<String, byte[]>, CompletableFuture<BlobInfo>> create) {
        CompletableFuture<SortedMap<String, byte[]>> reserve = md.submit(() -> {
            checkName(name);
            if (byName.containsKey(name) || reserved.contains(name)) {
                throw new BlobStoreException(
                        Reason.ALREADY_EXISTS,
                        "the name " + name + " is in use in pool "
                                + store.superBlock().name() + "; choose another");
            }
            SortedMap<String, byte[]> x = new TreeMap<>();
            for (Map.Entry<String, String> e : attributes.entrySet()) {
                if (e.getKey().startsWith(RESERVED_PREFIX)) {
                    throw new BlobStoreException(
                            Reason.INVALID_ARGUMENT,
                            "attribute key '" + e.getKey() + "': keys starting with '" + RESERVED_PREFIX
                                    + "' are reserved");
                }
                x.put(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8));
            }
            x.put(NAME, name.getBytes(StandardCharsets.UTF_8));
            x.put(CREATED, Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8));
            if (origin != null) {
                x.put(ORIGIN, origin.toString().getBytes(StandardCharsets.UTF_8));
            }
            reserved.add(name);
            return x;
        });
        return reserve.thenCompose(x -> create.apply(x)
                        .whenComplete((b, e) -> md.execute(() -> {
                            reserved.remove(name);
                            if (b != null) {
                                named(name, b.uuid());
                            }
                        })))
                .thenCompose(this::volume);
    }

    private void named(String name, UUID uuid) {
        md.checkCoreThread("the name index of pool " + store.superBlock().name());
        byName.put(name, uuid);
        nameOf.put(uuid, name);
    }

    private static void checkName(String name) {
        if (name == null || !NAME_RULE.matcher(name).matches()) {
            throw new BlobStoreException(
                    Reason.INVALID_ARGUMENT,
                    "volume name '" + (name == null ? "" : name.replaceAll("\\p{Cntrl}", "?"))
                            + "' must be 1-63 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit");
        }
    }

    /** A name or UUID to the volume's UUID, on the metadata reactor. */
    private CompletableFuture<UUID> resolve(String nameOrUuid) {
        return md.submit(() -> {
            UUID u = byName.get(nameOrUuid);
            if (u != null) {
                return u;
            }
            try {
                UUID asUuid = UUID.fromString(nameOrUuid);
                if (nameOf.containsKey(asUuid)) {
                    return asUuid;
                }
            } catch (IllegalArgumentException notAUuid) {
                // a name that is not there
            }
            throw new BlobStoreException(
                    Reason.NOT_FOUND,
                    "no volume or snapshot '" + nameOrUuid + "' in pool "
                            + store.superBlock().name());
        });
    }

    private CompletableFuture<Volume> volume(BlobInfo b) {
        return store.list().thenApply(all -> toVolume(fresh(all, b), names(all)));
    }

    private static BlobInfo fresh(List<BlobInfo> all, BlobInfo b) {
        for (BlobInfo x : all) {
            if (x.uuid().equals(b.uuid())) {
                return x;
            }
        }
        return b;
    }

    private Volume toVolume(BlobInfo b, Map<UUID, String> names) {
        int cs = store.superBlock().clusterSize();
        Map<String, String> attrs = new TreeMap<>();
        for (Map.Entry<String, byte[]> e : b.xattrs().entrySet()) {
            if (!e.getKey().startsWith(RESERVED_PREFIX)) {
                attrs.put(e.getKey(), new String(e.getValue(), StandardCharsets.UTF_8));
            }
        }
        UUID origin = null;
        byte[] o = b.xattrs().get(ORIGIN);
        if (o != null) {
            origin = UUID.fromString(new String(o, StandardCharsets.UTF_8));
        }
        byte[] when = b.xattrs().get(CREATED);
        long created = when == null ? 0 : Long.parseLong(new String(when, StandardCharsets.UTF_8));
        Volume.Kind kind =
                b.readOnly() ? Volume.Kind.SNAPSHOT : origin != null ? Volume.Kind.CLONE : Volume.Kind.VOLUME;
        List<String> deps = new ArrayList<>();
        for (UUID c : b.children()) {
            deps.add(names.getOrDefault(c, c.toString()));
        }
        String n = nameOf(b);
        return new Volume(
                kind,
                n == null ? b.uuid().toString() : n,
                b.uuid(),
                b.sizeClusters() * cs,
                store.bdev().blockSize(),
                b.thin(),
                b.readOnly(),
                origin,
                created,
                b.parent() == null
                        ? null
                        : names.getOrDefault(b.parent(), b.parent().toString()),
                List.copyOf(deps),
                b.allocatedClusters() * cs,
                Map.copyOf(attrs),
                b.openChannels() > 0,
                b.decoupling());
    }

    private static Map<UUID, String> names(List<BlobInfo> blobs) {
        Map<UUID, String> m = new HashMap<>();
        for (BlobInfo b : blobs) {
            String n = nameOf(b);
            if (n != null) {
                m.put(b.uuid(), n);
            }
        }
        return m;
    }

    static String nameOf(BlobInfo b) {
        byte[] n = b.xattrs().get(NAME);
        return n == null ? null : new String(n, StandardCharsets.UTF_8);
    }

    private static <T> CompletableFuture<T> failed(Reason reason, String message) {
        return CompletableFuture.failedFuture(new BlobStoreException(reason, message));
    }
}
