package io.peregrine.csi.node;

import io.peregrine.csi.host.HostException;
import io.peregrine.csi.host.Poll;
import io.peregrine.csi.nvme.HostIdentity;
import io.peregrine.csi.nvme.NvmeController;
import io.peregrine.csi.nvme.NvmeFabrics;
import io.peregrine.csi.nvme.NvmeNamespace;
import io.peregrine.csi.nvme.NvmeSysfs;
import io.peregrine.csi.server.CsiErrors;
import io.peregrine.csi.volume.PublishContext;
import io.peregrine.csi.volume.TargetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Attaches a published volume to this node through the kernel NVMe/TCP host and detaches it
 * again. Attach connects every advertised path that is not connected yet (native NVMe
 * multipath merges them into one head device), then waits -- boundedly -- for the namespace
 * with the published NGUID/UUID to show up in the subsystem and for its device node to exist.
 */
final class NvmeAttacher {

    private final NvmeFabrics fabrics;
    private final NvmeSysfs sysfs;
    private final HostIdentity host;
    private final NodeConfig config;

    NvmeAttacher(NvmeFabrics fabrics, NvmeSysfs sysfs, HostIdentity host, NodeConfig config) {
        this.fabrics = fabrics;
        this.sysfs = sysfs;
        this.host = host;
        this.config = config;
    }

    NvmeNamespace attach(PublishContext context) {
        String nqn = context.subsystemNqn();
        List<NvmeController> existing = sysfs.controllers(nqn);
        List<String> failures = new ArrayList<>();
        int paths = 0;
        for (TargetAddress target : context.targets()) {
            boolean connected = existing.stream()
                    .anyMatch(c -> !"deleting".equals(c.state()) && c.connectedTo(target.traddr(), target.trsvcid()));
            if (connected) {
                paths++;
                continue;
            }
            try {
                fabrics.connect(target, nqn, host);
                paths++;
            } catch (HostException e) {
                failures.add(target.toUri() + ": " + e.getMessage());
            }
        }
        if (paths == 0) {
            throw CsiErrors.unavailable("cannot connect to " + nqn + " on any of its targets ("
                    + String.join("; ", failures) + "); is the storage node's target up and reachable from "
                    + "this node, and is this host (" + host.hostNqn() + ") allowed on the export?");
        }
        Optional<NvmeNamespace> namespace = Poll.until(
                config.deviceWait(),
                config.pollInterval(),
                () -> sysfs.find(nqn, context).filter(ns -> Files.exists(sysfs.devicePath(ns.name()))));
        return namespace.orElseThrow(() -> CsiErrors.deadlineExceeded("connected to " + nqn + " but no namespace "
                + "with " + identifiers(context) + " appeared within "
                + config.deviceWait().toSeconds()
                + " s (namespaces seen: " + sysfs.namespaces(nqn) + ")"));
    }

    /** Disconnects every controller of {@code nqn} and waits until the kernel has let them go. */
    void detach(String nqn) {
        if (sysfs.controllers(nqn).isEmpty()) return;
        try {
            fabrics.disconnect(nqn);
        } catch (HostException e) {
            if (e.timedOut()) {
                throw CsiErrors.deadlineExceeded("disconnecting " + nqn + " did not finish: " + e.getMessage());
            }
            throw CsiErrors.internal("cannot disconnect " + nqn + ": " + e.getMessage());
        }
        Optional<Boolean> gone = Poll.until(
                config.detachWait(),
                config.pollInterval(),
                () -> sysfs.controllers(nqn).isEmpty() ? Optional.of(true) : Optional.empty());
        if (gone.isEmpty()) {
            throw CsiErrors.deadlineExceeded("controllers of " + nqn + " are still present " + sysfs.controllers(nqn)
                    + " " + config.detachWait().toSeconds() + " s after disconnect");
        }
    }

    /** Asks every controller of the namespace's subsystem to rescan (after the volume grew). */
    void rescan(NvmeNamespace namespace) {
        for (NvmeController controller : sysfs.controllersOf(namespace)) {
            if (controller.isLive()) fabrics.rescan(controller.name());
        }
    }

    Path devicePath(NvmeNamespace namespace) {
        return sysfs.devicePath(namespace.name());
    }

    private static String identifiers(PublishContext context) {
        StringBuilder s = new StringBuilder();
        if (!context.nguid().isEmpty()) s.append("NGUID ").append(context.nguid());
        context.namespaceUuid()
                .ifPresent(
                        u -> s.append(s.isEmpty() ? "" : " or ").append("UUID ").append(u));
        return s.toString();
    }
}
