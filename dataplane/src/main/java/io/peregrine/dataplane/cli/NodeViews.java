package io.peregrine.dataplane.cli;

import io.peregrine.dataplane.api.v1.Device;
import io.peregrine.dataplane.api.v1.DeviceHealth;
import io.peregrine.dataplane.api.v1.DmaMemory;
import io.peregrine.dataplane.api.v1.Health;
import io.peregrine.dataplane.api.v1.HealthCheck;
import io.peregrine.dataplane.api.v1.NodeInfo;
import io.peregrine.dataplane.api.v1.Reactor;
import java.util.ArrayList;
import java.util.List;

/** A node's status for people: who it is, whether it serves, its reactors, memory and devices. */
public final class NodeViews {
    /** Composite Temperature is in kelvin (NVMe Base 2.1, SMART / Health Information log, bytes 2:1). */
    private static final int KELVIN_AT_0C = 273;

    private NodeViews() {}

    public static String status(NodeInfo n, Health h) {
        List<String> checks = new ArrayList<>();
        for (HealthCheck c : h.getChecksList()) {
            checks.add((c.getOk() ? "ok    " : "FAIL  ")
                    + c.getName()
                    + (c.getMessage().isEmpty() ? "" : ": " + c.getMessage()));
        }
        Details d = new Details()
                .add("Node", Human.orDash(n.getNodeName()))
                .add("Version", Human.orDash(n.getVersion()))
                .add("Health", Human.word(h.getStatus()))
                .addAll("Checks", checks)
                .add("Host NQN", Human.orDash(n.getHostNqn()))
                .addAll(
                        "Listeners",
                        n.getListenersList().stream().map(ExportViews::address).toList())
                .add("Started", Human.instant(n.getStartedAt()))
                .add("DMA memory", memory(n.getDmaMemory()));
        StringBuilder sb = new StringBuilder(d.render());
        if (n.getReactorsCount() > 0) {
            sb.append('\n').append(reactors(n.getReactorsList()));
        }
        if (n.getDevicesCount() > 0) {
            sb.append('\n').append(devices(n.getDevicesList()));
        }
        return sb.toString();
    }

    static String memory(DmaMemory m) {
        String pool =
                "buffer pool " + Human.size(m.getPoolBytes()) + ", " + Human.size(m.getPoolUsedBytes()) + " in use";
        if (m.getFallbackSmallPages()) {
            return "4 KiB pages: no hugepages were available, so DMA memory is slower to map and the IOMMU needs"
                    + " more entries\n(reserve some: echo 512 | sudo tee /proc/sys/vm/nr_hugepages); " + pool;
        }
        return Human.size(m.getHugepageSizeBytes()) + " hugepages, " + Long.toUnsignedString(m.getHugepagesFree())
                + " of " + Long.toUnsignedString(m.getHugepagesTotal()) + " free; " + pool;
    }

    static String reactors(List<Reactor> reactors) {
        Table t = new Table()
                .right("REACTOR")
                .right("CORE")
                .left("STATE")
                .right("BUSY")
                .right("IDLE")
                .right("BUSY%");
        for (Reactor r : reactors) {
            t.row(
                    Integer.toUnsignedString(r.getId()),
                    r.getCore() < 0 ? "any" : Integer.toString(r.getCore()),
                    Human.word(r.getState()),
                    Human.duration(r.getBusyNanos()),
                    Human.duration(r.getIdleNanos()),
                    Human.percent(r.getBusyNanos(), r.getBusyNanos() + r.getIdleNanos()));
        }
        return t.render();
    }

    static String devices(List<Device> devices) {
        Table t = new Table()
                .left("DEVICE")
                .left("KIND")
                .left("MODEL")
                .left("SERIAL")
                .right("SIZE")
                .right("BLOCK")
                .left("POOL")
                .right("TEMP")
                .right("WEAR")
                .right("MEDIA ERRORS")
                .left("WARNINGS");
        for (Device dev : devices) {
            boolean smart = dev.hasHealth();
            DeviceHealth h = dev.getHealth();
            t.row(
                    dev.getUri(),
                    kind(dev.getKind()),
                    Human.orDash(dev.getModel()),
                    Human.orDash(dev.getSerial()),
                    Human.size(dev.getSizeBytes()),
                    Integer.toUnsignedString(dev.getBlockSize()),
                    Human.orDash(dev.getPool()),
                    smart && h.getTemperatureKelvin() > 0 ? (h.getTemperatureKelvin() - KELVIN_AT_0C) + "C" : "-",
                    smart ? h.getPercentageUsed() + "%" : "-",
                    smart ? Long.toUnsignedString(h.getMediaErrors()) : "-",
                    smart ? criticalWarning(h.getCriticalWarning()) : "-");
        }
        return t.render();
    }

    private static String kind(Device.Kind k) {
        return switch (k) {
            case NVME_PCIE -> "nvme";
            case URING -> "uring";
            case FILE -> "file";
            case MALLOC -> "malloc";
            case NULL -> "null";
            case KIND_UNSPECIFIED, UNRECOGNIZED -> "-";
        };
    }

    /** The Critical Warning bits of the SMART log (NVMe Base 2.1, Figure 207, byte 0), named. */
    static String criticalWarning(int bits) {
        if (bits == 0) {
            return "none";
        }
        String[] names = {
            "spare-low", "temperature", "reliability-degraded", "read-only", "backup-failed", "pmr-read-only"
        };
        List<String> set = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            if ((bits & (1 << i)) != 0) {
                set.add(names[i]);
            }
        }
        int unknown = bits & ~((1 << names.length) - 1);
        if (unknown != 0) {
            set.add(String.format("0x%02x", unknown));
        }
        return String.join(",", set);
    }
}
