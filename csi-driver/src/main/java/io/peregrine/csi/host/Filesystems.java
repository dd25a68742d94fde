package io.peregrine.csi.host;

import io.peregrine.csi.volume.FsType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What is on a block device (blkid in low-level probe mode, which reads the device itself
 * rather than a possibly stale cache), creating a filesystem only on a blank device, and
 * growing one in place.
 */
public final class Filesystems {

    /** blkid's exit status when it found nothing it recognises (blkid(8), RETURN CODE). */
    private static final int BLKID_NOTHING_FOUND = 2;

    private final Commands commands;
    private final Duration probeLimit;
    private final Duration formatLimit;

    public Filesystems(Commands commands, Duration probeLimit, Duration formatLimit) {
        this.commands = commands;
        this.probeLimit = probeLimit;
        this.formatLimit = formatLimit;
    }

    /** What the device holds. */
    public sealed interface Content {}

    /** No filesystem, partition table or other signature: safe to format. */
    public record Blank() implements Content {}

    /** A filesystem ({@code TYPE=}) or another signature such as a partition table. */
    public record Signature(String type, boolean isFilesystem) implements Content {}

    public Content probe(Path device) {
        CommandResult result = commands.run(probeLimit, "blkid", "-p", "-o", "export", device.toString());
        if (result.exitCode() == BLKID_NOTHING_FOUND && !result.timedOut()) return new Blank();
        if (!result.succeeded()) throw new HostException(result);
        Optional<String> type = field(result.stdout(), "TYPE");
        if (type.isPresent()) return new Signature(type.get(), true);
        return new Signature(
                field(result.stdout(), "PTTYPE")
                        .map(t -> "partition table " + t)
                        .orElse("an unrecognised signature"),
                false);
    }

    /** Formats a device the caller has just probed as {@link Blank}. */
    public void format(Path device, FsType type) {
        CommandResult result = switch (type) {
            // -F: whole-disk devices make mke2fs ask for confirmation, which would fail on
            // /dev/null; the caller has already proved the device blank
            case EXT4 -> commands.run(formatLimit, "mkfs.ext4", "-F", "-q", device.toString());
            case XFS -> commands.run(formatLimit, "mkfs.xfs", "-q", device.toString());
        };
        if (!result.succeeded()) throw new HostException(result);
    }

    /** Grows a mounted filesystem to fill its (already grown) device. */
    public void grow(FsType type, Path device, Path mountPoint) {
        CommandResult result = switch (type) {
            case EXT4 -> commands.run(formatLimit, "resize2fs", device.toString());
            case XFS -> commands.run(formatLimit, "xfs_growfs", "-d", mountPoint.toString());
        };
        if (!result.succeeded()) throw new HostException(result);
    }

    private static Optional<String> field(String export, String name) {
        return export.lines()
                .filter(line -> line.startsWith(name + "="))
                .map(line -> line.substring(name.length() + 1))
                .findFirst();
    }
}
