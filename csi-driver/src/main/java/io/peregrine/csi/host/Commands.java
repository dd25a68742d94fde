package io.peregrine.csi.host;

import java.time.Duration;
import java.util.List;

/**
 * Runs the host's tools (nvme, mount, umount, blkid, mkfs, resize2fs, xfs_growfs) with a time
 * limit. An interface so the node service's decisions can be tested without root.
 */
public interface Commands {

    /** Runs {@code argv} and waits at most {@code limit}; a program that overruns is killed. */
    CommandResult run(Duration limit, List<String> argv);

    default CommandResult run(Duration limit, String... argv) {
        return run(limit, List.of(argv));
    }
}
