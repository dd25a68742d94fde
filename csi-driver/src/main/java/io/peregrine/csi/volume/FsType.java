package io.peregrine.csi.volume;

import java.util.Locale;
import java.util.Optional;

/** The filesystems the node plugin creates and grows. */
public enum FsType {
    EXT4,
    XFS;

    public static final FsType DEFAULT = EXT4;

    /** ext4/xfs in any case; the empty string means the default. */
    public static Optional<FsType> parse(String name) {
        if (name == null || name.isEmpty()) return Optional.of(DEFAULT);
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "ext4" -> Optional.of(EXT4);
            case "xfs" -> Optional.of(XFS);
            default -> Optional.empty();
        };
    }

    /** The name mount(8), blkid and mkfs use. */
    public String fsName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
