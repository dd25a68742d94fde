package io.peregrine.dataplane.node;

import io.peregrine.dataplane.bdev.BdevSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which physical thing a device URI names, so that {@code file:///d/disk.img} and {@code
 * file:///d/disk.img?size=10G} are one disk, and two pools can never sit on it: the real path for
 * files and block devices, the PCI function and namespace for NVMe. Memory devices are their URI.
 */
public record DeviceIdentity(String key) {

    public static DeviceIdentity of(BdevSpec spec) {
        return new DeviceIdentity(
                switch (spec) {
                    case BdevSpec.File f -> "path:" + real(f.path());
                    case BdevSpec.Uring u -> "path:" + real(u.path());
                    case BdevSpec.Pcie p -> "pcie:" + p.bdf() + "/" + p.nsid();
                    case BdevSpec.Emu e -> "emu:" + e.uri();
                    case BdevSpec.Malloc m -> "malloc:" + m.uri();
                    case BdevSpec.Null n -> "null:" + n.uri();
                });
    }

    /**
     * Why the device is not there (for NOT_FOUND), or null when it is or will be created: a file
     * without {@code ?size=} or in a missing directory, a block device path that does not exist, a
     * PCI function the kernel does not know.
     */
    public static String missing(BdevSpec spec) {
        return switch (spec) {
            case BdevSpec.File f -> missingPath(f.path(), f.size().isPresent(), spec.uri());
            case BdevSpec.Uring u -> missingPath(u.path(), u.size().isPresent(), spec.uri());
            case BdevSpec.Pcie p ->
                Files.exists(Path.of("/sys/bus/pci/devices", p.bdf()))
                        ? null
                        : "no PCI function " + p.bdf() + " on this node (see lspci -D); check the disk URI "
                                + spec.uri();
            case BdevSpec.Emu e -> null;
            case BdevSpec.Malloc m -> null;
            case BdevSpec.Null n -> null;
        };
    }

    private static String missingPath(Path path, boolean creatable, String uri) {
        if (Files.exists(path)) {
            return null;
        }
        Path dir = path.toAbsolutePath().getParent();
        if (creatable && dir != null && Files.isDirectory(dir)) {
            return null; // created on open
        }
        if (creatable) {
            return "the directory " + dir + " of " + uri + " does not exist; create it first";
        }
        return path + " does not exist; check the disk URI " + uri
                + " (a file:// or uring:// file is created only when ?size= is given)";
    }

    private static String real(Path path) {
        try {
            return path.toRealPath().toString();
        } catch (IOException notThereYet) {
            return path.toAbsolutePath().normalize().toString();
        }
    }
}
