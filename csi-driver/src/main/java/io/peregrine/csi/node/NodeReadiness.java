package io.peregrine.csi.node;

import io.peregrine.csi.identity.Readiness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Whether this node can attach volumes: the kernel's NVMe over Fabrics host is loaded
 * ({@code /dev/nvme-fabrics}) and nvme-cli, mount and blkid are installed.
 */
public final class NodeReadiness implements Readiness.Check {

    private final Path dev;

    public NodeReadiness(Path devRoot) {
        this.dev = devRoot;
    }

    @Override
    public Readiness check() {
        if (!Files.exists(dev.resolve("nvme-fabrics"))) {
            return new Readiness.Unhealthy("the kernel NVMe over Fabrics host is not loaded ("
                    + dev.resolve("nvme-fabrics") + " is missing): run 'modprobe nvme-tcp' on the node");
        }
        for (String tool : new String[] {"nvme", "mount", "umount", "blkid", "mkfs.ext4", "mkfs.xfs"}) {
            if (!onPath(tool)) {
                return new Readiness.Unhealthy(tool + " is not installed or not on PATH; the node plugin needs "
                        + "nvme-cli, util-linux, e2fsprogs and xfsprogs");
            }
        }
        return new Readiness.Ready();
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        return Arrays.stream(path.split(":")).anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }
}
