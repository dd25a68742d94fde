package io.peregrine.csi.host;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The kernel's per-device read-only flag (BLKROSET, through blockdev(8)). A read-only bind
 * mount does not stop writes through a device node -- the VFS checks read-only mounts for
 * files and directories, not for device special files -- so a raw block volume published
 * read-only is made read-only at the device.
 */
public final class BlockDevices {

    private final Commands commands;
    private final Duration limit;

    public BlockDevices(Commands commands, Duration limit) {
        this.commands = commands;
        this.limit = limit;
    }

    public void setReadOnly(Path device, boolean readOnly) {
        CommandResult result = commands.run(limit, "blockdev", readOnly ? "--setro" : "--setrw", device.toString());
        if (!result.succeeded()) throw new HostException(result);
    }
}
