package io.peregrine.csi.volume;

import io.peregrine.csi.v1.VolumeCapability;
import io.peregrine.csi.v1.VolumeCapability.AccessMode.Mode;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Which volume capabilities Peregrine serves. A volume is one NVMe namespace attached to one
 * node at a time, so the single-node modes are supported for both access types (mount and raw
 * block); multi-node modes would need a cluster filesystem or fencing we do not have.
 */
public final class AccessModes {

    public static final Set<Mode> SUPPORTED = EnumSet.of(
            Mode.SINGLE_NODE_WRITER,
            Mode.SINGLE_NODE_READER_ONLY,
            Mode.SINGLE_NODE_SINGLE_WRITER,
            Mode.SINGLE_NODE_MULTI_WRITER);

    private AccessModes() {}

    /** Why the capability cannot be served, or empty when it can. */
    public static Optional<String> unsupported(VolumeCapability capability) {
        if (!capability.hasBlock() && !capability.hasMount()) {
            return Optional.of("volume capability has neither block nor mount access type");
        }
        if (!capability.hasAccessMode()) {
            return Optional.of("volume capability has no access_mode");
        }
        Mode mode = capability.getAccessMode().getMode();
        if (!SUPPORTED.contains(mode)) {
            return Optional.of("access mode " + mode + " is not supported: a Peregrine volume is attached to one "
                    + "node at a time (use SINGLE_NODE_WRITER, SINGLE_NODE_READER_ONLY, SINGLE_NODE_SINGLE_WRITER "
                    + "or SINGLE_NODE_MULTI_WRITER)");
        }
        if (capability.hasMount()) {
            String fs = capability.getMount().getFsType();
            if (FsType.parse(fs).isEmpty()) {
                return Optional.of("fs_type '" + fs + "' is not supported (use ext4 or xfs, or leave it empty for "
                        + FsType.DEFAULT.name().toLowerCase(java.util.Locale.ROOT) + ")");
            }
            if (!capability.getMount().getVolumeMountGroup().isEmpty()) {
                return Optional.of("volume_mount_group is not supported (the VOLUME_MOUNT_GROUP capability is not "
                        + "offered); ext4 and xfs take ownership from fsGroup, applied by the CO");
            }
        }
        return Optional.empty();
    }

    public static boolean isReadOnly(VolumeCapability capability) {
        return capability.getAccessMode().getMode() == Mode.SINGLE_NODE_READER_ONLY;
    }
}
