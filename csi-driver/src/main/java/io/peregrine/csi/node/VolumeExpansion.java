package io.peregrine.csi.node;

import io.peregrine.csi.host.Filesystems;
import io.peregrine.csi.host.Poll;
import io.peregrine.csi.nvme.NvmeNamespace;
import io.peregrine.csi.server.CsiErrors;
import io.peregrine.csi.volume.FsType;
import java.nio.file.Path;
import java.util.Optional;

/**
 * NodeExpandVolume: after the controller grew the volume, make the node see it. The target
 * raises a Namespace Attribute Changed event and the kernel rescans by itself, but that is
 * asynchronous and best effort, so we ask every live controller to rescan and wait until the
 * namespace reports the new size; then the filesystem is grown online (resize2fs for ext4,
 * xfs_growfs for xfs). Raw block volumes need only the rescan.
 */
final class VolumeExpansion {

    private final NvmeAttacher attacher;
    private final VolumeStats stats;
    private final Filesystems filesystems;
    private final NodeConfig config;

    VolumeExpansion(NvmeAttacher attacher, VolumeStats stats, Filesystems filesystems, NodeConfig config) {
        this.attacher = attacher;
        this.stats = stats;
        this.filesystems = filesystems;
        this.config = config;
    }

    long expand(String volumeId, Path path, long requiredBytes, long limitBytes) {
        VolumeStats.Located located = stats.locate(path)
                .orElseThrow(() -> CsiErrors.notFound("volume " + volumeId + " is not staged or published at " + path));
        NvmeNamespace namespace = stats.namespaceOf(located)
                .orElseThrow(() -> CsiErrors.failedPrecondition("the NVMe namespace of volume " + volumeId + " at "
                        + path + " is gone; it cannot be expanded until it is attached again"));
        attacher.rescan(namespace);
        Optional<NvmeNamespace> grown = Poll.until(
                config.deviceWait(),
                config.pollInterval(),
                () -> stats.namespaceOf(located).filter(ns -> ns.sizeBytes() >= requiredBytes));
        if (grown.isEmpty()) {
            long now = stats.namespaceOf(located).map(NvmeNamespace::sizeBytes).orElse(0L);
            throw CsiErrors.failedPrecondition(
                    "the device of volume " + volumeId + " is " + now + " bytes after a " + "rescan, less than the "
                            + requiredBytes + " requested: ControllerExpandVolume must grow it first");
        }
        long size = grown.get().sizeBytes();
        if (limitBytes > 0 && size > limitBytes) {
            throw CsiErrors.outOfRange(
                    "the device of volume " + volumeId + " is " + size + " bytes, above limit_bytes " + limitBytes);
        }
        if (!located.block()) {
            FsType fs = FsType.parse(located.mount().fsType())
                    .orElseThrow(() -> CsiErrors.failedPrecondition("cannot grow a "
                            + located.mount().fsType() + " filesystem; only ext4 and xfs are supported"));
            filesystems.grow(
                    fs, attacher.devicePath(grown.get()), located.mount().mountPoint());
        }
        return size;
    }
}
