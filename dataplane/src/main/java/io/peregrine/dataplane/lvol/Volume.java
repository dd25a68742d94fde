package io.peregrine.dataplane.lvol;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A volume or snapshot as seen at one moment.
 *
 * @param kind volume, snapshot or clone
 * @param name unique within the pool
 * @param uuid stable for the volume's life, across export and import (the NVMe NGUID/UUID)
 * @param sizeBytes size; a multiple of the pool's cluster size
 * @param blockSize bytes per block (the device's)
 * @param thin clusters are allocated on first write
 * @param snapshot read-only
 * @param origin a snapshot's source volume, a clone's snapshot (UUIDs), or null
 * @param createdMillis when it was created
 * @param parent the snapshot this volume reads through to, or null (after a snapshot of a volume
 *     the volume reads through to it)
 * @param dependents volumes that read through to this snapshot (clones, and the volume it came from)
 * @param allocatedBytes bytes of clusters it owns itself
 * @param attributes user attributes (CSI volume name, PVC, ...)
 * @param open a reactor has a channel open to it (it is exported)
 * @param decoupling a decouple is copying into it
 */
public record Volume(
        Kind kind,
        String name,
        UUID uuid,
        long sizeBytes,
        int blockSize,
        boolean thin,
        boolean snapshot,
        UUID origin,
        long createdMillis,
        String parent,
        List<String> dependents,
        long allocatedBytes,
        Map<String, String> attributes,
        boolean open,
        boolean decoupling) {
    /** What a volume is, as the management API names it. */
    public enum Kind {
        VOLUME,
        SNAPSHOT,
        CLONE
    }

    /** Size in blocks: the NVMe namespace size. */
    public long blockCount() {
        return sizeBytes / blockSize;
    }
}
