package io.peregrine.csi.host;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * mount(8) and umount(8), each with a limit. Unmounting never hangs the caller: when a regular
 * unmount overruns (a filesystem whose NVMe path is gone blocks in writeback until the
 * controller-loss timeout), the mount is detached lazily ({@code umount -l}) -- it disappears
 * from the namespace at once and the kernel finishes the release when the device errors out.
 */
public final class Mounter {

    /** How an unmount went. */
    public enum Unmounted {
        NOT_MOUNTED,
        UNMOUNTED,
        DETACHED_LAZILY
    }

    private final Commands commands;
    private final MountTable table;
    private final Duration mountLimit;
    private final Duration unmountLimit;

    public Mounter(Commands commands, MountTable table, Duration mountLimit, Duration unmountLimit) {
        this.commands = commands;
        this.table = table;
        this.mountLimit = mountLimit;
        this.unmountLimit = unmountLimit;
    }

    public MountTable table() {
        return table;
    }

    public void mount(String source, Path target, String fsType, List<String> options) {
        List<String> argv = new ArrayList<>(List.of("mount", "-t", fsType));
        if (!options.isEmpty()) {
            argv.add("-o");
            argv.add(String.join(",", options));
        }
        argv.add(source);
        argv.add(target.toString());
        check(commands.run(mountLimit, argv));
    }

    /** Binds {@code source} (a directory or a device node) onto {@code target}, read-only on request. */
    public void bind(Path source, Path target, boolean readOnly) {
        check(commands.run(mountLimit, "mount", "--bind", source.toString(), target.toString()));
        if (readOnly) {
            // a bind mount takes its flags from a remount (mount(8), "bind mount operation")
            CommandResult remount = commands.run(mountLimit, "mount", "-o", "remount,bind,ro", target.toString());
            if (!remount.succeeded()) {
                commands.run(unmountLimit, "umount", target.toString());
                throw new HostException(remount);
            }
        }
    }

    public Unmounted unmount(Path target) {
        if (!table.isMountPoint(target)) return Unmounted.NOT_MOUNTED;
        CommandResult result = commands.run(unmountLimit, "umount", target.toString());
        if (result.succeeded()) return Unmounted.UNMOUNTED;
        if (!table.isMountPoint(target)) return Unmounted.UNMOUNTED; // raced or completed as it was killed
        if (!result.timedOut()) throw new HostException(result);
        CommandResult lazy = commands.run(unmountLimit, "umount", "-l", target.toString());
        if (!lazy.succeeded() && table.isMountPoint(target)) throw new HostException(lazy);
        return Unmounted.DETACHED_LAZILY;
    }

    private static void check(CommandResult result) {
        if (!result.succeeded()) throw new HostException(result);
    }
}
