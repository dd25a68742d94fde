package io.peregrine.operator.pool;

import io.peregrine.dataplane.api.v1.Pool;
import io.peregrine.operator.crd.Condition;
import io.peregrine.operator.crd.DiskPoolPhase;
import io.peregrine.operator.crd.DiskPoolStatus;
import io.peregrine.operator.model.Bytes;
import io.peregrine.operator.model.Conditions;
import java.time.Instant;
import java.util.List;

/** The status a reconcile is building, started from the object's current status. */
final class PoolStatusDraft {

    private final long generation;
    private final Instant now;
    DiskPoolPhase phase;
    String node;
    String disk;
    String uuid;
    Long clusterSizeBytes;
    Long capacityBytes;
    Long usedBytes;
    Integer volumeCount;
    Integer snapshotCount;
    List<Condition> conditions;

    PoolStatusDraft(DiskPoolStatus current, long generation, Instant now) {
        this.generation = generation;
        this.now = now;
        DiskPoolStatus s = current == null
                ? new DiskPoolStatus(null, null, null, null, null, null, null, null, null, null, null, null, null)
                : current;
        phase = s.phase();
        node = s.node();
        disk = s.disk();
        uuid = s.uuid();
        clusterSizeBytes = s.clusterSizeBytes();
        capacityBytes = s.capacityBytes();
        usedBytes = s.usedBytes();
        volumeCount = s.volumeCount();
        snapshotCount = s.snapshotCount();
        conditions = s.conditions();
    }

    /** True once the pool was created or imported: node, disk and uuid record where it lives. */
    boolean exists() {
        return uuid != null;
    }

    void condition(String type, String status, String reason, String message) {
        conditions = Conditions.put(conditions, type, status, reason, message, generation, now);
    }

    void removeCondition(String type) {
        conditions = Conditions.remove(conditions, type);
    }

    void observed(String nodeName, Pool pool) {
        node = nodeName;
        disk = pool.getDiskUri();
        uuid = pool.getUuid();
        clusterSizeBytes = pool.getClusterSizeBytes();
        capacityBytes = pool.getCapacityBytes();
        usedBytes = pool.getUsedBytes();
        volumeCount = pool.getVolumeCount();
        snapshotCount = pool.getSnapshotCount();
    }

    DiskPoolStatus build() {
        return new DiskPoolStatus(
                phase,
                node,
                disk,
                uuid,
                clusterSizeBytes,
                capacityBytes,
                usedBytes,
                capacityBytes == null ? null : Bytes.human(capacityBytes),
                usedBytes == null ? null : Bytes.human(usedBytes),
                volumeCount,
                snapshotCount,
                conditions,
                generation);
    }
}
