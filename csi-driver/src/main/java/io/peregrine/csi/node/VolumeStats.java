package io.peregrine.csi.node;

import io.peregrine.csi.host.MountInfo;
import io.peregrine.csi.host.MountTable;
import io.peregrine.csi.host.StatFs;
import io.peregrine.csi.nvme.NvmeController;
import io.peregrine.csi.nvme.NvmeNamespace;
import io.peregrine.csi.nvme.NvmeSysfs;
import io.peregrine.csi.server.CsiErrors;
import io.peregrine.csi.v1.NodeGetVolumeStatsResponse;
import io.peregrine.csi.v1.VolumeCondition;
import io.peregrine.csi.v1.VolumeUsage;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * NodeGetVolumeStats: bytes and inodes of a mounted volume (statvfs), the size of a raw block
 * volume, and the volume's condition -- abnormal when its namespace is gone or no path to its
 * subsystem is live (the target is down or unreachable and the kernel is reconnecting).
 */
final class VolumeStats {

    private final NvmeSysfs sysfs;
    private final MountTable table;

    VolumeStats(NvmeSysfs sysfs, MountTable table) {
        this.sysfs = sysfs;
        this.table = table;
    }

    /** A mount and whether it is a raw-block bind of a device node. */
    record Located(MountInfo mount, boolean block) {}

    /** What is mounted at {@code path}: a filesystem, a bound device node, or a block staging directory. */
    Optional<Located> locate(Path path) {
        Optional<MountInfo> at = table.at(path);
        if (at.isPresent()) return Optional.of(new Located(at.get(), isDeviceBind(at.get())));
        return table.at(path.resolve(NodeService.BLOCK_DEVICE_FILE)).map(m -> new Located(m, true));
    }

    Optional<NvmeNamespace> namespaceOf(Located located) {
        return located.block()
                ? namespaceOfDeviceBind(located.mount())
                : sysfs.namespaceByDevice(located.mount().majorMinor());
    }

    Optional<NvmeNamespace> namespaceOfDeviceBind(MountInfo mount) {
        String root = mount.root();
        return root.startsWith("/") && root.indexOf('/', 1) < 0 ? sysfs.namespace(root.substring(1)) : Optional.empty();
    }

    NodeGetVolumeStatsResponse of(String volumeId, Path path) {
        Located located = locate(path)
                .orElseThrow(() -> CsiErrors.notFound("volume " + volumeId + " is not published or staged at " + path));
        Optional<NvmeNamespace> namespace = namespaceOf(located);
        NodeGetVolumeStatsResponse.Builder response = NodeGetVolumeStatsResponse.newBuilder();
        if (located.block()) {
            long total = namespace.map(NvmeNamespace::sizeBytes).orElse(0L);
            response.addUsage(
                    VolumeUsage.newBuilder().setUnit(VolumeUsage.Unit.BYTES).setTotal(total));
        } else {
            StatFs.Usage usage = StatFs.of(located.mount().mountPoint());
            response.addUsage(VolumeUsage.newBuilder()
                    .setUnit(VolumeUsage.Unit.BYTES)
                    .setTotal(usage.totalBytes())
                    .setAvailable(usage.availableBytes())
                    .setUsed(usage.usedBytes()));
            response.addUsage(VolumeUsage.newBuilder()
                    .setUnit(VolumeUsage.Unit.INODES)
                    .setTotal(usage.totalInodes())
                    .setAvailable(usage.freeInodes())
                    .setUsed(usage.usedInodes()));
        }
        return response.setVolumeCondition(condition(located, namespace)).build();
    }

    private VolumeCondition condition(Located located, Optional<NvmeNamespace> namespace) {
        if (namespace.isEmpty()) {
            return VolumeCondition.newBuilder()
                    .setAbnormal(true)
                    .setMessage("the NVMe namespace behind " + located.mount().mountPoint() + " ("
                            + located.mount().source() + located.mount().root() + ") is gone: its controller was "
                            + "lost or the volume was detached")
                    .build();
        }
        List<NvmeController> controllers = sysfs.controllersOf(namespace.get());
        long live = controllers.stream().filter(NvmeController::isLive).count();
        if (live == 0) {
            return VolumeCondition.newBuilder()
                    .setAbnormal(true)
                    .setMessage("no live path to " + namespace.get().subsystemNqn() + " for "
                            + namespace.get().name()
                            + " (" + describe(controllers) + "); I/O waits until the target is back or the "
                            + "controller-loss timeout fails it")
                    .build();
        }
        return VolumeCondition.newBuilder()
                .setAbnormal(false)
                .setMessage(namespace.get().name() + ": " + live + " of " + controllers.size() + " paths live")
                .build();
    }

    private static String describe(List<NvmeController> controllers) {
        if (controllers.isEmpty()) return "no controllers";
        return controllers.stream().map(c -> c.name() + " " + c.state()).collect(Collectors.joining(", "));
    }

    static boolean isDeviceBind(MountInfo mount) {
        return ("devtmpfs".equals(mount.fsType()) || "tmpfs".equals(mount.fsType()))
                && mount.root().matches("/nvme\\d+n\\d+");
    }
}
