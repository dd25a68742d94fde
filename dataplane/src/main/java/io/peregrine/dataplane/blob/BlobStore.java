package io.peregrine.dataplane.blob;

import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.bdev.IoCompletion;
import io.peregrine.dataplane.bdev.IoStatus;
import io.peregrine.dataplane.bdev.Sizes;
import io.peregrine.dataplane.blob.BlobStoreException.Reason;
import io.peregrine.dataplane.blob.format.BlobImage;
import io.peregrine.dataplane.blob.format.Checkpoint;
import io.peregrine.dataplane.blob.format.Extent;
import io.peregrine.dataplane.blob.format.FormatException;
import io.peregrine.dataplane.blob.format.MdPage;
import io.peregrine.dataplane.blob.format.MdRecord;
import io.peregrine.dataplane.blob.format.SuperBlock;
import io.peregrine.dataplane.reactor.ReactorCore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A blob store on a block device (SPDK's blobstore): clusters handed out to blobs on first write,
 * snapshots and clones as read-through chains, and metadata that survives a crash at any instant
 * (FORMAT.md). Volumes are built on top of it by {@code io.peregrine.dataplane.lvol}.
 *
 * <p>Threads: all metadata lives on one reactor, the metadata thread. Control operations may be
 * called from any thread; they run there, one at a time, and complete their futures there. I/O
 * goes through {@link BlobChannel}s opened on any reactor.
 */
public final class BlobStore {
    private static final System.Logger LOG = System.getLogger(BlobStore.class.getName());

    /** The default cluster size: the unit of thin allocation and copy-on-write. */
    public static final int DEFAULT_CLUSTER_SIZE = 4 << 20;

    private final Bdev bdev;
    private final ReactorCore md;
    private final SuperBlock sb;
    private final PoolState state;
    private final StoreChannel mdChannel;
    private final MdIo io;
    private final MdJournal journal;
    private final ClusterGrants grants;
    private final ControlQueue control;
    private final LoadReport loadReport;
    private final String metadataWhat;
    private final ConcurrentHashMap<ReactorCore, StoreChannel> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** What import found: how the pool was left, and what recovery did. */
    public record LoadReport(
            boolean clean,
            long checkpointGeneration,
            long replayedPages,
            long replayedRecords,
            String logEnd,
            List<String> notes) {}

    private BlobStore(
            Bdev bdev,
            ReactorCore md,
            SuperBlock sb,
            PoolState state,
            StoreChannel mdChannel,
            MdIo io,
            long head,
            long replayStart,
            long generation,
            boolean zeroedAboveMark,
            LoadReport report) {
        md.checkCoreThread("opening pool " + sb.name());
        this.bdev = bdev;
        this.md = md;
        this.sb = sb;
        this.metadataWhat = "the metadata of pool " + sb.name();
        this.state = state;
        this.mdChannel = mdChannel;
        this.io = io;
        this.journal = new MdJournal(sb, state, io, head, replayStart, generation, this::released);
        this.grants = new ClusterGrants(this, state, zeroedAboveMark);
        this.control = new ControlQueue(md);
        this.loadReport = report;
        mdChannel.refs = 1;
        channels.put(md, mdChannel);
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Formats {@code bdev} as a new pool. Refuses a device that holds a pool unless {@code force}.
     * Zeroes the data region when the device can do that cheaply, so fresh clusters need no
     * zeroing on first write.
     */
    public static CompletableFuture<BlobStore> create(
            Bdev bdev, ReactorCore md, String name, int clusterSize, boolean force) {
        // the whole chain is built on the metadata thread: see ReactorCore.call
        return md.call(() -> {
            validateCreate(bdev, name);
            SuperBlock sb;
            try {
                sb = StoreLayout.compute(name, bdev.sizeBytes(), bdev.blockSize(), clusterSize);
            } catch (IllegalArgumentException e) {
                throw new BlobStoreException(
                        Reason.INVALID_ARGUMENT,
                        "cannot create pool " + name + " on " + bdev.uri() + ": " + e.getMessage());
            }
            StoreChannel ch = new StoreChannel(null, md, bdev);
            MdIo mdIo = new MdIo(ch.bdev);
            CompletableFuture<Void> check = force
                    ? CompletableFuture.completedFuture(null)
                    : mdIo.read(0, 2 * MdPage.SIZE).thenAccept(bytes -> refuseExisting(bytes, bdev));
            boolean zero = bdev.features().fastWriteZeroes();
            long mark = zero ? 0 : sb.clusterCount();
            PoolState state = new PoolState(sb, true);
            state.hwm = mark;
            byte[] cp = state.checkpoint(1, 1, false).encode();
            return check.thenCompose(x -> mdIo.writeZeroes(0, sb.dataOffset()))
                    .thenCompose(x -> zero
                            ? mdIo.writeZeroes(sb.dataOffset(), sb.clusterCount() * sb.clusterSize())
                            : CompletableFuture.completedFuture(null))
                    .thenCompose(x -> mdIo.write(sb.checkpointOffset1(), cp, 0, cp.length))
                    .thenCompose(x -> mdIo.flush())
                    .thenCompose(x -> {
                        // the super block goes last: until it is durable there is no pool here
                        byte[] sup = new byte[2 * MdPage.SIZE];
                        System.arraycopy(sb.encode().array(), 0, sup, 0, MdPage.SIZE);
                        System.arraycopy(sb.encode().array(), 0, sup, MdPage.SIZE, MdPage.SIZE);
                        return mdIo.write(0, sup, 0, sup.length);
                    })
                    .thenCompose(x -> mdIo.flush())
                    .thenApply(x -> {
                        BlobStore s = new BlobStore(
                                bdev,
                                md,
                                sb,
                                state,
                                ch,
                                mdIo,
                                1,
                                1,
                                1,
                                true,
                                new LoadReport(true, 1, 0, 0, "new pool", List.of()));
                        ch.attach(s);
                        LOG.log(
                                System.Logger.Level.INFO,
                                "created pool " + name + " (" + sb.uuid() + ") on "
                                        + bdev.uri() + ": " + sb.clusterCount() + " clusters of "
                                        + Sizes.format(sb.clusterSize()));
                        return s;
                    })
                    .whenComplete((s, e) -> {
                        if (e != null) {
                            ch.close();
                        }
                    });
        });
    }

    private static void validateCreate(Bdev bdev, String name) {
        if (bdev.readOnly()) {
            throw new BlobStoreException(Reason.INVALID_ARGUMENT, bdev.uri() + " is open read-only");
        }
        if (bdev.blockSize() > MdPage.SIZE || MdPage.SIZE % bdev.blockSize() != 0) {
            throw new BlobStoreException(
                    Reason.INVALID_ARGUMENT,
                    bdev.uri() + " has " + bdev.blockSize() + "-byte blocks; pools need 512 or 4096");
        }
        if (name == null
                || name.isEmpty()
                || name.getBytes(StandardCharsets.UTF_8).length > SuperBlock.MAX_NAME
                || name.chars().anyMatch(c -> c < 0x20 || c == '/')) {
            throw new BlobStoreException(
                    Reason.INVALID_ARGUMENT,
                    "pool name '" + name + "' must be 1 to " + SuperBlock.MAX_NAME
                            + " bytes without '/' or control characters");
        }
    }

    private static void refuseExisting(byte[] bytes, Bdev bdev) {
        for (int at = 0; at < bytes.length; at += MdPage.SIZE) {
            java.nio.ByteBuffer p =
                    java.nio.ByteBuffer.wrap(bytes, at, MdPage.SIZE).slice().order(java.nio.ByteOrder.LITTLE_ENDIAN);
            if (p.getLong(0) == SuperBlock.MAGIC) {
                String what;
                try {
                    SuperBlock old = SuperBlock.decode(
                            java.nio.ByteBuffer.wrap(java.util.Arrays.copyOfRange(bytes, at, at + MdPage.SIZE))
                                    .order(java.nio.ByteOrder.LITTLE_ENDIAN),
                            "existing super block");
                    what = "pool " + old.name() + " (" + old.uuid() + ")";
                } catch (FormatException e) {
                    what = "a damaged pool";
                }
                throw new BlobStoreException(
                        Reason.ALREADY_EXISTS,
                        bdev.uri() + " already holds " + what
                                + "; destroy it first, or create with force to overwrite");
            }
        }
    }

    /**
     * Imports the pool on {@code bdev}: loads the newest checkpoint, replays the log and, if the
     * pool was not exported cleanly, writes a recovery checkpoint before anything else happens.
     */
    public static CompletableFuture<BlobStore> load(Bdev bdev, ReactorCore md) {
        return md.call(() -> {
            StoreChannel ch = new StoreChannel(null, md, bdev);
            MdIo mdIo = new MdIo(ch.bdev);
            return StoreLoader.load(mdIo, bdev.sizeBytes())
                    .thenCompose(r -> open(bdev, md, ch, mdIo, r))
                    .whenComplete((s, e) -> {
                        if (e != null) {
                            ch.close();
                        }
                    });
        });
    }

    private static CompletableFuture<BlobStore> open(
            Bdev bdev, ReactorCore md, StoreChannel ch, MdIo mdIo, StoreLoader.Result r) {
        SuperBlock sb = r.sb();
        if (sb.blockSize() != bdev.blockSize()) {
            throw new BlobStoreException(
                    Reason.CORRUPT,
                    "pool " + sb.name() + " was created with " + sb.blockSize() + "-byte blocks; " + bdev.uri()
                            + " has " + bdev.blockSize());
        }
        PoolState state = r.state();
        PoolState live = state;
        live.makeLive();
        List<String> all = new ArrayList<>(r.problems());
        all.addAll(r.notes());
        LoadReport report = new LoadReport(
                r.clean(), r.checkpoint().generation(), r.replayedPages(), r.replayedRecords(), r.logEnd(), all);
        for (String n : r.notes()) {
            LOG.log(System.Logger.Level.INFO, "pool " + sb.name() + ": " + n);
        }
        for (String p : r.problems()) {
            LOG.log(System.Logger.Level.WARNING, "pool " + sb.name() + ": " + p);
        }
        if (r.clean()) {
            BlobStore s = new BlobStore(
                    bdev,
                    md,
                    sb,
                    live,
                    ch,
                    mdIo,
                    r.endLsn(),
                    r.checkpoint().replayLsn(),
                    r.checkpoint().generation(),
                    bdev.features().fastWriteZeroes(),
                    report);
            ch.attach(s);
            LOG.log(System.Logger.Level.INFO, "imported pool " + sb.name() + " (" + sb.uuid() + "), exported cleanly");
            return CompletableFuture.completedFuture(s);
        }
        // Start the log a whole lap past where replay stopped: any page a torn batch left beyond
        // that point then carries an LSN replay will never ask for (FORMAT.md §8).
        long head = r.endLsn() + sb.logPages();
        BlobStore s = new BlobStore(
                bdev,
                md,
                sb,
                live,
                ch,
                mdIo,
                head,
                r.checkpoint().replayLsn(),
                r.checkpoint().generation(),
                bdev.features().fastWriteZeroes(),
                report);
        ch.attach(s);
        LOG.log(
                System.Logger.Level.INFO,
                "pool " + sb.name() + " (" + sb.uuid() + ") was not exported cleanly: "
                        + "replayed " + r.replayedRecords() + " records from " + r.replayedPages() + " log pages ("
                        + r.logEnd() + "); writing a recovery checkpoint");
        return s.journal.checkpoint(false).thenApply(v -> s);
    }

    /**
     * Exports the pool: waits for running operations, writes a clean checkpoint and closes the
     * metadata thread's channel. Every volume must be closed first.
     */
    public CompletableFuture<Void> unload() {
        return control.submit(() -> {
            checkOpen();
            refuseOpenChannels("export the pool");
            return journal.checkpoint(true).thenRun(this::shutdown);
        });
    }

    /** Erases the pool's super blocks and checkpoints; with {@code force} even if blobs exist. */
    public CompletableFuture<Void> destroy(boolean force) {
        return control.submit(() -> {
            checkOpen();
            refuseOpenChannels("destroy the pool");
            if (!force && !state.blobs.isEmpty()) {
                throw new BlobStoreException(
                        Reason.HAS_DEPENDENTS,
                        "pool " + sb.name() + " still holds " + state.blobs.size()
                                + " volumes and snapshots; delete them or destroy with force");
            }
            return io.writeZeroes(0, 2L * MdPage.SIZE)
                    .thenCompose(v -> io.writeZeroes(sb.checkpointOffset0(), MdPage.SIZE))
                    .thenCompose(v -> io.writeZeroes(sb.checkpointOffset1(), MdPage.SIZE))
                    .thenCompose(v -> io.flush())
                    .thenCompose(v -> bdev.features().persistent()
                            ? mdChannel.unmapQuietly(sb.dataOffset(), sb.clusterCount() * sb.clusterSize())
                            : CompletableFuture.completedFuture(null))
                    .thenRun(this::shutdown);
        });
    }

    private void shutdown() {
        closed = true;
        mdChannel.close();
        channels.remove(md);
        LOG.log(System.Logger.Level.INFO, "pool " + sb.name() + " closed");
    }

    private void checkOpen() {
        if (closed) {
            throw new BlobStoreException(Reason.NOT_FOUND, "pool " + sb.name() + " is no longer open");
        }
        RuntimeException f = journal.failure();
        if (f != null) {
            throw f;
        }
    }

    private void refuseOpenChannels(String what) {
        for (Blob b : state.blobs.values()) {
            if (!b.channels.isEmpty()) {
                throw new BlobStoreException(
                        Reason.BUSY,
                        "cannot " + what + ": " + describe(b) + " is open on " + b.channels.size()
                                + " reactor(s); close (unpublish) it first");
            }
        }
    }

    // ------------------------------------------------------------------ accessors

    public SuperBlock superBlock() {
        return sb;
    }

    public Bdev bdev() {
        return bdev;
    }

    public ReactorCore mdCore() {
        return md;
    }

    public LoadReport loadReport() {
        return loadReport;
    }

    public boolean isOpen() {
        return !closed;
    }

    MdJournal journal() {
        return journal;
    }

    ClusterGrants grants() {
        return grants;
    }

    RuntimeException failure() {
        return journal.failure();
    }

    /** Why the store stopped accepting changes (a metadata write failed), or null when it is healthy. */
    public String failureMessage() {
        RuntimeException f = journal.failure();
        return f == null ? null : f.getMessage();
    }

    boolean journalDirty() {
        return journal.dirty();
    }

    /** Pool-wide figures. */
    public record Stats(
            long clusters,
            long freeClusters,
            long ownedClusters,
            int blobs,
            long highWaterMark,
            long logPagesInUse,
            long commits,
            long checkpoints) {}

    public CompletableFuture<Stats> stats() {
        return md.submit(() -> new Stats(
                sb.clusterCount(),
                state.alloc.free(),
                state.alloc.ownedCount(),
                state.blobs.size(),
                state.hwm,
                journal.logPagesInUse(),
                journal.commits(),
                journal.checkpoints()));
    }

    // ------------------------------------------------------------------ control operations

    /** Creates a blob of {@code sizeClusters}; thick blobs get all their clusters now, zeroed. */
    public CompletableFuture<BlobInfo> createBlob(long sizeClusters, boolean thin, SortedMap<String, byte[]> xattrs) {
        return control.submit(() -> {
            checkOpen();
            if (sizeClusters < 1 || sizeClusters > Integer.MAX_VALUE) {
                throw new BlobStoreException(
                        Reason.INVALID_ARGUMENT,
                        "a blob needs 1 to " + Integer.MAX_VALUE + " clusters, not " + sizeClusters);
            }
            checkXattrs(xattrs);
            checkMetadataRoom(BlobImage.fixedBytes(xattrs));
            long id = state.nextBlobId;
            UUID uuid = UUID.randomUUID();
            if (thin) {
                BlobImage img = new BlobImage(id, uuid, 0, BlobImage.THIN, sizeClusters, xattrs, List.of());
                applyLive(new MdRecord.CreateBlob(img), false);
                return journal.commit().thenApply(v -> info(state.blobs.get(id)));
            }
            return reserveZeroed(
                            sizeClusters, "create a thick volume of " + Sizes.format(sizeClusters * sb.clusterSize()))
                    .thenCompose(extents -> {
                        BlobImage img = new BlobImage(id, uuid, 0, 0, sizeClusters, xattrs, extents);
                        applyLive(new MdRecord.CreateBlob(img), true);
                        long mark = state.hwm;
                        return journal.commit().thenApply(v -> {
                            grants.markCommitted(mark);
                            return info(state.blobs.get(id));
                        });
                    });
        });
    }

    /**
     * Takes a read-only snapshot of {@code source}: writes to it are held while the snapshot
     * takes over its clusters, and the snapshot holds every write that completed before this call.
     */
    public CompletableFuture<BlobInfo> snapshot(UUID source, SortedMap<String, byte[]> xattrs) {
        return control.submit(() -> {
            checkOpen();
            Blob src = find(source);
            if (src.readOnly()) {
                throw new BlobStoreException(
                        Reason.INVALID_ARGUMENT,
                        describe(src) + " is a snapshot already; clone it to get a writable copy");
            }
            if (src.decoupling) {
                throw new BlobStoreException(
                        Reason.BUSY, describe(src) + " is being decoupled; retry when that is done");
            }
            checkXattrs(xattrs);
            checkMetadataRoom(BlobImage.fixedBytes(xattrs));
            long id = state.nextBlobId;
            UUID uuid = UUID.randomUUID();
            return freeze(src)
                    .thenCompose(v -> {
                        // the clusters change hands: their data must be on disk before the record is
                        applyLive(new MdRecord.Snapshot(src.id, id, uuid, new TreeMap<>(xattrs)), true);
                        return journal.commit();
                    })
                    .whenComplete((v, e) -> unfreeze(src))
                    .thenApply(v -> info(state.blobs.get(id)));
        });
    }

    /**
     * A thin, writable clone of snapshot {@code snapshot}, of {@code sizeClusters} (0: the
     * snapshot's size; more grows it).
     */
    public CompletableFuture<BlobInfo> clone(UUID snapshot, long sizeClusters, SortedMap<String, byte[]> xattrs) {
        return control.submit(() -> {
            checkOpen();
            Blob snap = find(snapshot);
            if (!snap.readOnly()) {
                throw new BlobStoreException(
                        Reason.INVALID_ARGUMENT,
                        describe(snap) + " is not a snapshot; snapshot it, then clone the snapshot");
            }
            long size = sizeClusters == 0 ? snap.sizeClusters : sizeClusters;
            if (size < snap.sizeClusters || size > Integer.MAX_VALUE) {
                throw new BlobStoreException(
                        Reason.OUT_OF_RANGE,
                        "a clone of " + describe(snap) + " needs at least its " + snap.sizeClusters + " clusters, not "
                                + size);
            }
            checkXattrs(xattrs);
            checkMetadataRoom(BlobImage.fixedBytes(xattrs));
            long id = state.nextBlobId;
            applyLive(new MdRecord.Clone(snap.id, id, UUID.randomUUID(), size, new TreeMap<>(xattrs)), false);
            return journal.commit().thenApply(v -> info(state.blobs.get(id)));
        });
    }

    /**
     * Deletes a blob and frees its clusters. A snapshot with one child is merged into it (the
     * child takes the clusters it still reads through to); with more children it is refused.
     */
    public CompletableFuture<Void> delete(UUID uuid) {
        return control.submit(() -> {
            checkOpen();
            Blob b = find(uuid);
            if (b.children.size() > 1) {
                List<String> names = new ArrayList<>();
                for (Blob c : b.children) {
                    names.add(describe(c));
                }
                throw new BlobStoreException(
                        Reason.HAS_DEPENDENTS,
                        "cannot delete " + describe(b) + ": " + b.children.size() + " volumes read through it ("
                                + String.join(", ", names) + "); delete or decouple all but one of them first");
            }
            if (b.decoupling) {
                throw new BlobStoreException(Reason.BUSY, describe(b) + " is being decoupled; retry when that is done");
            }
            b.deleted = true;
            if (!b.channels.isEmpty()) {
                b.deleted = false;
                throw new BlobStoreException(
                        Reason.BUSY,
                        "cannot delete " + describe(b) + ": it is open on " + b.channels.size()
                                + " reactor(s); close (unpublish) it first");
            }
            if (b.children.isEmpty()) {
                journal.freed(applyLive(new MdRecord.Delete(b.id), false));
                return journal.commit();
            }
            Blob child = b.children.get(0);
            if (child.decoupling) {
                b.deleted = false;
                throw new BlobStoreException(
                        Reason.BUSY,
                        "cannot delete " + describe(b) + " while " + describe(child) + " is being decoupled");
            }
            return freeze(child)
                    .thenCompose(v -> {
                        journal.freed(applyLive(new MdRecord.Merge(b.id, child.id), false));
                        return journal.commit();
                    })
                    .whenComplete((v, e) -> unfreeze(child));
        });
    }

    /** Grows a blob online; a thick blob gets its new clusters now. Shrinking is refused. */
    public CompletableFuture<BlobInfo> resize(UUID uuid, long sizeClusters) {
        return control.submit(() -> {
            checkOpen();
            Blob b = find(uuid);
            if (b.readOnly()) {
                throw new BlobStoreException(
                        Reason.READ_ONLY, describe(b) + " is a snapshot; snapshots keep their size");
            }
            if (sizeClusters < b.sizeClusters) {
                throw new BlobStoreException(
                        Reason.OUT_OF_RANGE,
                        "cannot shrink " + describe(b) + " from " + b.sizeClusters + " to " + sizeClusters
                                + " clusters; volumes only grow");
            }
            if (sizeClusters > Integer.MAX_VALUE) {
                throw new BlobStoreException(Reason.OUT_OF_RANGE, sizeClusters + " clusters is too many");
            }
            if (sizeClusters == b.sizeClusters) {
                return CompletableFuture.completedFuture(info(b));
            }
            long old = b.sizeClusters;
            if (b.thin()) {
                applyLive(new MdRecord.Resize(b.id, sizeClusters, List.of()), false);
                return journal.commit().thenApply(v -> info(b));
            }
            return reserveZeroed(sizeClusters - old, "grow " + describe(b)).thenCompose(extents -> {
                List<Extent> shifted = new ArrayList<>();
                for (Extent e : extents) {
                    shifted.add(new Extent((int) (e.logical() + old), e.physical(), e.length()));
                }
                applyLive(new MdRecord.Resize(b.id, sizeClusters, shifted), true);
                long mark = state.hwm;
                return journal.commit().thenApply(v -> {
                    grants.markCommitted(mark);
                    return info(b);
                });
            });
        });
    }

    /** Sets ({@code value} non-null) or removes an extended attribute. */
    public CompletableFuture<BlobInfo> setXattr(UUID uuid, String key, byte[] value) {
        return control.submit(() -> {
            checkOpen();
            Blob b = find(uuid);
            TreeMap<String, byte[]> next = new TreeMap<>(b.xattrs);
            if (value == null) {
                next.remove(key);
            } else {
                next.put(key, value.clone());
            }
            checkXattrs(next);
            checkMetadataRoom(BlobImage.fixedBytes(next) - BlobImage.fixedBytes(b.xattrs));
            applyLive(new MdRecord.SetXattr(b.id, key, value), false);
            return journal.commit().thenApply(v -> info(b));
        });
    }

    /**
     * Makes a clone independent of its snapshots: copies every cluster it still reads through to,
     * then drops its parent. Runs in the background; other operations go on meanwhile, and writes
     * to the clone keep working.
     */
    public CompletableFuture<BlobInfo> decouple(UUID uuid) {
        // chained on the metadata thread: the steps after the start open a channel there and
        // read the blob, which a caller's thread must not do (ReactorCore.call)
        return md.call(() -> decoupleOnMd(uuid));
    }

    private CompletableFuture<BlobInfo> decoupleOnMd(UUID uuid) {
        CompletableFuture<Blob> started = control.submit(() -> {
            checkOpen();
            Blob b = find(uuid);
            if (b.readOnly()) {
                throw new BlobStoreException(
                        Reason.INVALID_ARGUMENT, describe(b) + " is a snapshot; only writable volumes are decoupled");
            }
            if (b.decoupling) {
                throw new BlobStoreException(Reason.BUSY, describe(b) + " is being decoupled already");
            }
            if (b.parent != null) {
                b.decoupling = true;
            }
            return CompletableFuture.completedFuture(b);
        });
        return started.thenCompose(b -> {
            if (!b.decoupling) {
                return CompletableFuture.completedFuture(info(b));
            }
            BlobChannel ch = openOnMd(b);
            return new Decoupler(ch, b)
                    .run()
                    .thenCompose(v -> control.submit(() -> {
                        applyLive(new MdRecord.SetParent(b.id, 0), false);
                        return journal.commit();
                    }))
                    .whenComplete((v, e) -> {
                        b.decoupling = false;
                        ch.close();
                    })
                    .thenApply(v -> info(b));
        });
    }

    /** Copies clusters into a decoupling blob, a few at a time, through the grant path. */
    private final class Decoupler {
        private static final int PARALLEL = 4;
        final BlobChannel ch;
        final Blob b;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        int next;
        int inFlight;
        IoStatus failed;

        Decoupler(BlobChannel ch, Blob b) {
            this.ch = ch;
            this.b = b;
        }

        CompletableFuture<Void> run() {
            pump();
            return done;
        }

        private void pump() {
            while (failed == null && inFlight < PARALLEL && next < b.sizeClusters) {
                int lc = next++;
                if (b.map.get(lc) != 0 || b.resolveInAncestors(lc) == 0) {
                    continue;
                }
                inFlight++;
                IoCompletion cb = st -> {
                    inFlight--;
                    if (!st.isSuccess() && failed == null) {
                        failed = st;
                    }
                    pump();
                };
                grants.request(new AllocRequest(AllocRequest.Kind.COPY, ch, lc, 0, 0, null, 0, cb));
            }
            if (inFlight == 0 && (failed != null || next >= b.sizeClusters) && !done.isDone()) {
                if (failed == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(new BlobStoreException(
                            failed == IoStatus.CAPACITY_EXCEEDED ? Reason.NO_SPACE : Reason.STORE_FAILED,
                            "decoupling " + describe(b) + " stopped: " + failed.text()));
                }
            }
        }
    }

    // ------------------------------------------------------------------ queries

    public CompletableFuture<List<BlobInfo>> list() {
        return md.submit(() -> {
            List<BlobInfo> out = new ArrayList<>();
            for (Blob b : state.blobs.values()) {
                out.add(info(b));
            }
            return out;
        });
    }

    public CompletableFuture<BlobInfo> get(UUID uuid) {
        return md.submit(() -> info(find(uuid)));
    }

    /** I/O counters of a blob, summed over its open and closed channels. */
    public record IoStats(
            long reads,
            long readBytes,
            long writes,
            long writeBytes,
            long unmaps,
            long flushes,
            long errors,
            long writeZeroes,
            long readNanos,
            long writeNanos) {}

    public CompletableFuture<IoStats> ioStats(UUID uuid) {
        return md.submit(() -> {
            Blob b = find(uuid);
            long[] s = new long[BlobChannel.STATS];
            for (int i = 0; i < s.length; i++) {
                s[i] = b.retired[i].sum();
            }
            for (BlobChannel ch : b.channels) {
                for (int i = 0; i < s.length; i++) {
                    s[i] += ch.stat(i);
                }
            }
            return new IoStats(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9]);
        });
    }

    private BlobInfo info(Blob b) {
        checkMetadataThread();
        List<UUID> children = new ArrayList<>();
        for (Blob c : b.children) {
            children.add(c.uuid);
        }
        Blob p = b.parent;
        return new BlobInfo(
                b.uuid,
                b.id,
                p == null ? null : p.uuid,
                List.copyOf(children),
                b.readOnly(),
                b.thin(),
                b.sizeClusters,
                b.map.allocated(),
                Collections.unmodifiableSortedMap(new TreeMap<>(b.xattrs)),
                b.channels.size(),
                b.decoupling);
    }

    private Blob find(UUID uuid) {
        Blob b = state.byUuid.get(uuid);
        if (b != null) {
            return b;
        }
        throw new BlobStoreException(Reason.NOT_FOUND, "no volume or snapshot " + uuid + " in pool " + sb.name());
    }

    /** The attribute the volume layer keeps names in; messages use it to name blobs. */
    static final String NAME_XATTR = "peregrine.name";

    /** "volume db-1" when the blob has a name attribute, else "volume uuid". */
    static String describe(Blob b) {
        byte[] name = b.xattrs.get(NAME_XATTR);
        String kind = b.readOnly() ? "snapshot" : "volume";
        return name == null ? kind + " " + b.uuid : kind + " " + new String(name, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ channels

    /**
     * Opens this reactor's channel to blob {@code uuid}; call on {@code core}'s owner thread.
     * Close it on the same thread before deleting the blob or exporting the pool.
     */
    public BlobChannel openChannel(UUID uuid, ReactorCore core) {
        core.checkCoreThread();
        if (closed) {
            throw new BlobStoreException(Reason.NOT_FOUND, "pool " + sb.name() + " is no longer open");
        }
        Blob b = state.byUuid.get(uuid);
        if (b == null) {
            throw new BlobStoreException(Reason.NOT_FOUND, "no volume or snapshot " + uuid + " in pool " + sb.name());
        }
        return open(b, core);
    }

    private BlobChannel openOnMd(Blob b) {
        return open(b, md);
    }

    private BlobChannel open(Blob b, ReactorCore core) {
        StoreChannel sc = channels.computeIfAbsent(core, c -> new StoreChannel(this, c, bdev));
        sc.refs++;
        BlobChannel ch = new BlobChannel(this, b, core, sc);
        b.channels.add(ch);
        if (b.deleted) {
            b.channels.remove(ch);
            releaseStoreChannel(sc);
            throw new BlobStoreException(Reason.NOT_FOUND, describe(b) + " was deleted");
        }
        return ch;
    }

    void closeChannel(BlobChannel ch) {
        Blob b = ch.blob;
        b.channels.remove(ch);
        for (int i = 0; i < BlobChannel.STATS; i++) {
            b.retired[i].add(ch.stat(i));
        }
        releaseStoreChannel(ch.sc);
    }

    private void releaseStoreChannel(StoreChannel sc) {
        if (--sc.refs == 0 && sc != mdChannel) {
            channels.remove(sc.core);
            sc.close();
        }
    }

    /** For flushes that find metadata waiting: the next commit, with its flushes. */
    CompletableFuture<Void> commitForFlush() {
        return journal.commit();
    }

    // ------------------------------------------------------------------ metadata-thread internals

    /**
     * The guard on the metadata thread's state (SPDK: a blobstore's metadata is touched only on
     * its metadata thread): a step that escaped to another thread throws here, naming the thread.
     */
    void checkMetadataThread() {
        md.checkCoreThread(metadataWhat);
    }

    /** Applies a record to the live state and queues it; returns the clusters it freed. */
    List<Integer> applyLive(MdRecord r, boolean needsDataFlush) {
        checkMetadataThread();
        try {
            List<Integer> freed = state.apply(r, "live " + r.getClass().getSimpleName());
            journal.append(r, needsDataFlush);
            return freed;
        } catch (FormatException e) {
            throw new IllegalStateException("a live change contradicts the state: " + e.getMessage(), e);
        }
    }

    /** A thin blob's channel unmapped a whole cluster: unmap it, and free it once nobody can read it. */
    void freeCluster(BlobChannel ch, int lc, IoCompletion done) {
        checkMetadataThread();
        Blob b = ch.blob;
        int e = b.map.get(lc);
        if (failure() != null) {
            ch.core.execute(() -> done.complete(IoStatus.INTERNAL_ERROR));
            return;
        }
        if (e == 0 || b.deleted) {
            ch.core.execute(() -> done.complete(IoStatus.SUCCESS));
            return;
        }
        List<Integer> freed = applyLive(new MdRecord.Free(b.id, lc), false);
        ch.core.execute(() -> done.complete(IoStatus.SUCCESS));
        // the cluster goes back only when the free is durable and every I/O that might still
        // touch it (submitted on this blob's channels before the unmap) has completed
        CompletableFuture.allOf(journal.commit(), grace(b)).whenComplete((v, err) -> {
            if (err == null) {
                released(freed);
            }
        });
    }

    /**
     * Frees became durable: tell the device (advisory; a file gets its holes punched back, an SSD
     * its blocks deallocated), one request per run of adjacent clusters, then make the clusters
     * available. The unmap goes first so it can never land on a cluster someone allocated since.
     * Completes when every cluster is back in the allocator, so a delete that waits for it reports
     * the pool's free space already returned.
     */
    private CompletableFuture<Void> released(List<Integer> clusters) {
        if (!bdev.features().persistent()) {
            for (int c : clusters) {
                state.alloc.release(c);
            }
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<Void>> runs = new ArrayList<>();
        int[] sorted = clusters.stream().mapToInt(Integer::intValue).sorted().toArray();
        int start = 0;
        for (int i = 1; i <= sorted.length; i++) {
            if (i == sorted.length || sorted[i] != sorted[i - 1] + 1) {
                int from = start;
                int to = i;
                runs.add(mdChannel
                        .unmapQuietly(
                                sb.dataOffset() + (long) sorted[from] * sb.clusterSize(),
                                (long) (to - from) * sb.clusterSize())
                        .whenComplete((v, e) -> {
                            for (int k = from; k < to; k++) {
                                state.alloc.release(sorted[k]);
                            }
                        }));
                start = i;
            }
        }
        return CompletableFuture.allOf(runs.toArray(new CompletableFuture<?>[0]));
    }

    private CompletableFuture<Void> freeze(Blob b) {
        b.frozen = true;
        List<CompletableFuture<Void>> drained = new ArrayList<>();
        for (BlobChannel ch : b.channels) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            ch.core.execute(() -> ch.drain(() -> md.execute(() -> f.complete(null))));
            drained.add(f);
        }
        return CompletableFuture.allOf(drained.toArray(new CompletableFuture<?>[0]));
    }

    private void unfreeze(Blob b) {
        b.frozen = false;
        for (BlobChannel ch : b.channels) {
            ch.core.execute(ch::resume);
        }
    }

    private CompletableFuture<Void> grace(Blob b) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (BlobChannel ch : b.channels) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            ch.core.execute(() -> ch.grace(() -> md.execute(() -> f.complete(null))));
            all.add(f);
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
    }

    /** Reserves clusters for a thick blob and zeroes those that may hold old data. */
    private CompletableFuture<List<Extent>> reserveZeroed(long count, String what) {
        if (state.alloc.free() < count) {
            throw new BlobStoreException(
                    Reason.NO_SPACE,
                    "cannot " + what + ": it needs " + count + " clusters and pool " + sb.name() + " has "
                            + state.alloc.free() + " free (" + Sizes.format(state.alloc.free() * sb.clusterSize())
                            + ")");
        }
        List<Long> dirty = new ArrayList<>();
        long[] clusters = grants.reserveThick(count, dirty);
        List<Extent> extents = new ArrayList<>();
        int runL = 0;
        for (int i = 1; i <= clusters.length; i++) {
            if (i == clusters.length || clusters[i] != clusters[i - 1] + 1) {
                extents.add(new Extent(runL, (int) clusters[runL], i - runL));
                runL = i;
            }
        }
        CompletableFuture<Void> zeroed = CompletableFuture.completedFuture(null);
        for (long c : dirty) {
            zeroed = zeroed.thenCompose(v -> io.writeZeroes(sb.dataOffset() + c * sb.clusterSize(), sb.clusterSize()));
        }
        return zeroed.handle((v, e) -> {
            if (e != null) {
                for (long c : clusters) {
                    state.alloc.release(c);
                }
                throw new BlobStoreException(Reason.STORE_FAILED, "cannot " + what + ": zeroing failed", e);
            }
            return extents;
        });
    }

    private void checkXattrs(Map<String, byte[]> xattrs) {
        int total = 0;
        for (Map.Entry<String, byte[]> e : xattrs.entrySet()) {
            int k = e.getKey().getBytes(StandardCharsets.UTF_8).length;
            if (k == 0 || k > BlobImage.MAX_XATTR_KEY) {
                throw new BlobStoreException(
                        Reason.INVALID_ARGUMENT,
                        "attribute key '" + e.getKey() + "' must be 1 to " + BlobImage.MAX_XATTR_KEY + " bytes");
            }
            total += k + e.getValue().length;
        }
        if (total > BlobImage.MAX_XATTR_BYTES) {
            throw new BlobStoreException(
                    Reason.INVALID_ARGUMENT,
                    "attributes take " + total + " bytes; a volume may have at most " + BlobImage.MAX_XATTR_BYTES);
        }
    }

    private void checkMetadataRoom(long more) {
        long used = 0;
        for (Blob b : state.blobs.values()) {
            used += BlobImage.fixedBytes(b.xattrs);
        }
        long budget = sb.checkpointBytes() - MdPage.SIZE - sb.clusterCount() * Extent.BYTES;
        if (used + more > budget) {
            throw new BlobStoreException(
                    Reason.METADATA_FULL,
                    "pool " + sb.name() + " has no metadata room left for another volume (" + state.blobs.size()
                            + " volumes and snapshots use " + used + " of " + budget
                            + " bytes); delete some, or use shorter names and attributes");
        }
    }

    /** For tests and the checker: the state's own consistency check. */
    CompletableFuture<List<String>> verify() {
        return md.submit(state::verify);
    }

    /** For tests: the checkpoint image of the current state. */
    CompletableFuture<Checkpoint> image() {
        return md.submit(() -> state.checkpoint(journal.generation(), journal.head(), false));
    }
}
