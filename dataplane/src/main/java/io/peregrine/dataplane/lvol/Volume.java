package io.peregrine.dataplane.lvol;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A volume or snapshot as seen at one moment.
 *
 * @param name unique within the pool
 * @param uuid stable for the volume's life, across export and import (the NVMe NGUID/UUID)
 * @param sizeBytes size; a multiple of the pool's cluster size
 * @param blockSize bytes per block (the device's)
 * @param thin clusters are allocated on first write
 * @param snapshot read-only
 * @param parent the snapshot this volume reads through to, or null
 * @param dependents volumes that read through to this snapshot (clones, and the volume it came from)
 * @param allocatedBytes bytes of clusters it owns itself
 * @param attributes user attributes (CSI volume name, PVC, ...)
 * @param open a reactor has a channel open to it (it is exported)
 * @param decoupling a decouple is copying into it
 */
public record Volume(
        String name,
        UUID uuid,
        long sizeBytes,
        int blockSize,
        boolean thin,
        boolean snapshot,
        String parent,
        List<String> dependents,
        long allocatedBytes,
        Map<String, String> attributes,
        boolean open,
        boolean decoupling) {
    /** Size in blocks: the NVMe namespace size. */
    public long blockCount() {
        return sizeBytes / blockSize;
    }
}
