package io.peregrine.dataplane.blob;

import java.util.List;
import java.util.SortedMap;
import java.util.UUID;

/**
 * A blob as seen at one moment, for listings and for the volume layer.
 *
 * @param uuid the blob's UUID
 * @param id its number in the pool
 * @param parent the blob it reads through to, or null
 * @param children blobs that read through to it (clones, and the volume a snapshot came from)
 * @param readOnly a snapshot
 * @param thin allocated on first write
 * @param sizeClusters size
 * @param allocatedClusters clusters it owns itself
 * @param xattrs extended attributes
 * @param openChannels reactors with a channel open to it
 * @param decoupling a decouple is copying into it
 */
public record BlobInfo(
        UUID uuid,
        long id,
        UUID parent,
        List<UUID> children,
        boolean readOnly,
        boolean thin,
        long sizeClusters,
        long allocatedClusters,
        SortedMap<String, byte[]> xattrs,
        int openChannels,
        boolean decoupling) {}
