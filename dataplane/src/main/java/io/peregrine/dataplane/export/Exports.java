package io.peregrine.dataplane.export;

import io.netty.util.concurrent.EventExecutor;
import io.peregrine.dataplane.blob.BlobInfo;
import io.peregrine.dataplane.lvol.LvolStore;
import io.peregrine.dataplane.reactor.ReactorCore;
import io.peregrine.nvmf.core.Nqn;
import io.peregrine.nvmf.core.Subsystem;
import io.peregrine.nvmf.target.NvmfTarget;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The volumes this node exports over NVMe/TCP: one subsystem per volume ({@code
 * nqn.2026-11.io.peregrine:vol:<uuid>}, NSID 1, NGUID and UUID from the volume UUID), its
 * allowlist kept equal to an {@link ExportRecord}. This class only drives the target; callers
 * persist the record in the volume first ({@link #persist}), so what runs never admits more than
 * what a restart would.
 *
 * <p>Thread-safe: management threads call it; the target and the namespaces do the rest on the
 * reactors.
 */
public final class Exports {
    private static final System.Logger LOG = System.getLogger(Exports.class.getName());

    private final NvmfTarget target;
    private final Function<EventExecutor, ReactorCore> cores;
    private final ConcurrentHashMap<UUID, Export> exports = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<UUID, Totals> totals = new ConcurrentHashMap<>();
    /**
     * The counters of volumes no longer reported ({@link #forget}): kept so node-wide sums only
     * grow, as Prometheus expects of a counter. Guarded by itself.
     */
    private final IoCounters forgotten = new IoCounters();

    /** A published volume. */
    public record Export(
            UUID volume, String pool, VolumeNamespace namespace, Subsystem subsystem, ExportRecord record) {
        public String nqn() {
            return subsystem.nqn();
        }
    }

    /**
     * A volume's I/O counters over this process's life, across unpublish and publish again: the
     * counters of its closed channels (its live channels add theirs at scrape time).
     */
    public record Totals(UUID volume, String pool, String name, IoCounters retired) {}

    public Exports(NvmfTarget target, Function<EventExecutor, ReactorCore> cores) {
        this.target = target;
        this.cores = cores;
    }

    public NvmfTarget target() {
        return target;
    }

    /**
     * Exports the volume with exactly {@code record}'s hosts, or brings an existing export's
     * allowlist to {@code record} (hosts no longer on it are disconnected).
     */
    public synchronized Export apply(
            LvolStore pool,
            String poolName,
            UUID volume,
            String name,
            int blockSize,
            long blockCount,
            ExportRecord record) {
        Export current = exports.get(volume);
        Subsystem subsystem;
        VolumeNamespace namespace;
        if (current == null) {
            Totals t = totals.computeIfAbsent(volume, u -> new Totals(u, poolName, name, new IoCounters()));
            namespace = new VolumeNamespace(pool, poolName, volume, name, blockSize, blockCount, cores, t.retired());
            subsystem = target.exportVolume(volume, namespace);
        } else {
            namespace = current.namespace();
            subsystem = current.subsystem();
        }
        for (String host : record.hosts()) {
            subsystem.allowHost(host);
        }
        for (String host : subsystem.allowedHosts()) {
            if (!record.hosts().contains(host)) {
                subsystem.disallowHost(host);
            }
        }
        subsystem.allowAnyHost(record.allowAnyHost());
        Export e = new Export(volume, poolName, namespace, subsystem, record);
        exports.put(volume, e);
        if (current == null) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "exporting " + namespace + " as " + subsystem.nqn() + " to "
                            + (record.allowAnyHost() ? "any host" : record.sortedHosts()));
        }
        return e;
    }

    /**
     * Stops exporting {@code volume}: its hosts are disconnected. The future completes once every
     * channel to the volume closed (in-flight I/O finished); the volume is then free to delete.
     */
    public synchronized CompletableFuture<Void> remove(UUID volume) {
        Export e = exports.remove(volume);
        if (e == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (target.target().subsystem(e.nqn()) != null) {
            target.removeSubsystem(e.nqn());
        }
        LOG.log(System.Logger.Level.INFO, "stopped exporting " + e.namespace() + " (" + e.nqn() + ")");
        return e.namespace().closed();
    }

    public Export get(UUID volume) {
        return exports.get(volume);
    }

    /** Every export, by pool then volume name. */
    public List<Export> all() {
        List<Export> list = new ArrayList<>(exports.values());
        list.sort(Comparator.comparing(Export::pool)
                .thenComparing(e -> e.namespace().name()));
        return list;
    }

    public List<Export> ofPool(String pool) {
        return all().stream().filter(e -> e.pool().equals(pool)).toList();
    }

    /** Every volume that was published in this process (its counters), by pool then name. */
    public List<Totals> totals() {
        List<Totals> list = new ArrayList<>(totals.values());
        list.sort(Comparator.comparing(Totals::pool).thenComparing(Totals::name));
        return list;
    }

    /**
     * Adds {@code t}'s counters -- closed channels' and, when the volume is published, its live
     * channels' -- to {@code sum}.
     */
    public void addCountersTo(Totals t, IoCounters sum) {
        Export e = exports.get(t.volume());
        if (e != null && e.namespace().retiredCounters() == t.retired()) {
            e.namespace().addCountersTo(sum);
        } else {
            synchronized (t.retired()) {
                t.retired().addTo(sum);
            }
        }
    }

    /** The volume is gone (deleted, or its pool unloaded): stop reporting it. */
    public void forget(UUID volume) {
        if (!exports.containsKey(volume)) {
            retire(totals.remove(volume));
        }
    }

    /** The pool was exported or destroyed: stop reporting its volumes. */
    public void forgetPool(String pool) {
        for (Totals t : totals.values()) {
            if (t.pool().equals(pool) && !exports.containsKey(t.volume()) && totals.remove(t.volume(), t)) {
                retire(t);
            }
        }
    }

    private void retire(Totals t) {
        if (t == null) {
            return;
        }
        synchronized (forgotten) {
            synchronized (t.retired()) {
                t.retired().addTo(forgotten);
            }
        }
    }

    /** Adds the counters of every volume this process forgot (deleted, pool gone) to {@code sum}. */
    public void addForgottenTo(IoCounters sum) {
        synchronized (forgotten) {
            forgotten.addTo(sum);
        }
    }

    /** The volume grew: connected hosts get Namespace Attribute Changed. */
    public void resized(UUID volume, long blockCount) {
        Export e = exports.get(volume);
        if (e != null) {
            e.namespace().resized(blockCount);
        }
    }

    /** The subsystem NQN a volume is (or would be) exported as. */
    public static String nqnOf(UUID volume) {
        return Nqn.forVolume(volume);
    }

    // ------------------------------------------------------------------ the record on disk

    /** Writes {@code record} into the volume's metadata (null: the volume is not published); durable when done. */
    public static CompletableFuture<BlobInfo> persist(LvolStore pool, UUID volume, ExportRecord record) {
        return pool.blobStore().setXattr(volume, ExportRecord.XATTR, record == null ? null : record.encode());
    }

    /**
     * The export records a pool's volumes carry, by volume. A record this build cannot read is
     * reported through {@code problems} and skipped, never guessed at.
     */
    public static CompletableFuture<Map<UUID, ExportRecord>> recorded(LvolStore pool, List<String> problems) {
        return pool.blobStore().list().thenApply(blobs -> {
            Map<UUID, ExportRecord> out = new HashMap<>();
            for (BlobInfo b : blobs) {
                byte[] raw = b.xattrs().get(ExportRecord.XATTR);
                if (raw == null) {
                    continue;
                }
                try {
                    out.put(b.uuid(), ExportRecord.decode(raw));
                } catch (IllegalArgumentException bad) {
                    problems.add("volume " + b.uuid() + " has an unreadable export record (" + bad.getMessage()
                            + "); it was not exported again: publish it anew");
                }
            }
            return out;
        });
    }

    /** Hosts connected to an export now: controllers of its subsystem. */
    public static Set<String> connectedHosts(Export e) {
        Set<String> out = new java.util.TreeSet<>();
        e.subsystem().controllers().forEach(c -> out.add(c.hostNqn()));
        return out;
    }
}
