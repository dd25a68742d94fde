package io.peregrine.dataplane.node;

import io.peregrine.dataplane.export.ExportRecord;
import io.peregrine.dataplane.export.Exports;
import io.peregrine.dataplane.lvol.Volume;
import io.peregrine.nvmf.core.Nqn;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Publishing volumes over NVMe/TCP, as the management API promises: idempotent, the allowlist
 * written into the volume's metadata before the target applies it (so nothing runs that a restart
 * would not restore), unpublishing waits until in-flight I/O drained.
 */
public final class Publications {
    private final Volumes volumes;
    private final Exports exports;

    public Publications(Volumes volumes, Exports exports) {
        this.volumes = volumes;
        this.exports = exports;
    }

    /** PublishVolume: exports the volume, or adds hosts to its export. */
    public Exports.Export publish(UUID uuid, Collection<String> hosts, boolean allowAnyHost) {
        Set<String> checked = checkNqns(hosts);
        Volumes.Located l = volumes.locate(uuid);
        if (l.volume().kind() == Volume.Kind.SNAPSHOT) {
            throw DataplaneException.precondition(
                    Volumes.describe(l.volume()) + " is a read-only snapshot; clone it and publish the clone");
        }
        PoolEntry p = l.pool();
        return p.locked(() -> {
            Exports.Export current = exports.get(uuid);
            ExportRecord record = current == null
                    ? new ExportRecord(allowAnyHost, checked)
                    : current.record().plus(checked, allowAnyHost);
            if (current != null && record.equals(current.record())) {
                return current;
            }
            return apply(p, l.volume(), record);
        });
    }

    /** UnpublishVolume: OK when the volume is not published (or not there). */
    public void unpublish(UUID uuid) {
        Volumes.Located l = volumes.find(uuid);
        if (l == null) {
            exports.remove(uuid); // nothing on a disk to update; stop serving whatever runs
            return;
        }
        PoolEntry p = l.pool();
        p.locked(() -> {
            if (exports.get(uuid) == null) {
                return null;
            }
            EngineCalls.await(Exports.persist(p.store(), uuid, null));
            EngineCalls.await(exports.remove(uuid), Pools.DRAIN_WAIT);
            return null;
        });
    }

    /** AddHost: NOT_FOUND unless the volume is published. */
    public Exports.Export addHost(UUID uuid, String host) {
        Set<String> checked = checkNqns(List.of(host));
        Volumes.Located l = volumes.locate(uuid);
        PoolEntry p = l.pool();
        return p.locked(() -> {
            Exports.Export current = published(uuid, l.volume());
            ExportRecord record = current.record().plus(checked, false);
            return record.equals(current.record()) ? current : apply(p, l.volume(), record);
        });
    }

    /** RemoveHost: disconnects that host's controllers; OK when it was not allowed. */
    public Exports.Export removeHost(UUID uuid, String host) {
        checkNqns(List.of(host));
        Volumes.Located l = volumes.locate(uuid);
        PoolEntry p = l.pool();
        return p.locked(() -> {
            Exports.Export current = published(uuid, l.volume());
            ExportRecord record = current.record().minus(host);
            return record.equals(current.record()) ? current : apply(p, l.volume(), record);
        });
    }

    /** GetExport: NOT_FOUND unless published. */
    public Exports.Export get(UUID uuid) {
        Exports.Export e = exports.get(uuid);
        if (e == null) {
            throw DataplaneException.notFound("volume " + uuid + " is not published on this node");
        }
        return e;
    }

    public List<Exports.Export> list() {
        return exports.all();
    }

    private Exports.Export published(UUID uuid, Volume v) {
        Exports.Export current = exports.get(uuid);
        if (current == null) {
            throw DataplaneException.notFound(
                    Volumes.describe(v) + " is not published; publish it (PublishVolume) before changing its hosts");
        }
        return current;
    }

    private Exports.Export apply(PoolEntry p, Volume v, ExportRecord record) {
        EngineCalls.await(Exports.persist(p.store(), v.uuid(), record));
        return exports.apply(p.store(), p.name(), v.uuid(), v.name(), v.blockSize(), v.blockCount(), record);
    }

    private static Set<String> checkNqns(Collection<String> hosts) {
        Set<String> out = new TreeSet<>();
        for (String h : hosts) {
            String problem = h == null ? "empty" : Nqn.problem(h);
            if (problem != null) {
                throw DataplaneException.invalid("host NQN: " + problem
                        + " (e.g. nqn.2014-08.org.nvmexpress:uuid:<uuid>, as in /etc/nvme/hostnqn)");
            }
            out.add(h);
        }
        return out;
    }
}
