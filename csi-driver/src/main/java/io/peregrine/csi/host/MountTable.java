package io.peregrine.csi.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The kernel's view of what is mounted, read fresh from /proc/self/mountinfo on every question:
 * the node plugin keeps no mount state of its own, so a restarted plugin sees exactly what
 * its predecessor left and every RPC can be answered idempotently.
 */
public final class MountTable {

    private final Path mountinfo;

    public MountTable(Path mountinfo) {
        this.mountinfo = mountinfo;
    }

    public static MountTable system() {
        return new MountTable(Path.of("/proc/self/mountinfo"));
    }

    public List<MountInfo> read() {
        try {
            return Files.readAllLines(mountinfo).stream()
                    .filter(line -> !line.isBlank())
                    .map(MountInfo::parse)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + mountinfo, e);
        }
    }

    /** The mount visible at {@code path} (the last one, when mounts are stacked). */
    public Optional<MountInfo> at(Path path) {
        Path normal = path.toAbsolutePath().normalize();
        List<MountInfo> mounts = read();
        for (int i = mounts.size() - 1; i >= 0; i--) {
            if (mounts.get(i).mountPoint().equals(normal)) return Optional.of(mounts.get(i));
        }
        return Optional.empty();
    }

    public boolean isMountPoint(Path path) {
        return at(path).isPresent();
    }

    /** Every mount of a block device ({@code major:minor}), plus bind mounts of its device node. */
    public List<MountInfo> mountsOf(String majorMinor, String deviceName) {
        String nodeRoot = "/" + deviceName;
        return read().stream()
                .filter(m -> m.majorMinor().equals(majorMinor)
                        || (isDeviceFilesystem(m) && m.root().equals(nodeRoot)))
                .toList();
    }

    /** Bind mounts of device node {@code /dev/<deviceName>} (raw block staging and publishes). */
    public List<MountInfo> bindsOfDeviceNode(String deviceName) {
        String nodeRoot = "/" + deviceName;
        return read().stream()
                .filter(m -> isDeviceFilesystem(m) && m.root().equals(nodeRoot))
                .toList();
    }

    /** /dev is devtmpfs on a host, sometimes a tmpfs that udev fills inside containers. */
    private static boolean isDeviceFilesystem(MountInfo mount) {
        return "devtmpfs".equals(mount.fsType()) || "tmpfs".equals(mount.fsType());
    }
}
