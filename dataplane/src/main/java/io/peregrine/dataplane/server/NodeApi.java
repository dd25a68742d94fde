package io.peregrine.dataplane.server;

import io.grpc.stub.StreamObserver;
import io.peregrine.dataplane.api.v1.CheckHealthRequest;
import io.peregrine.dataplane.api.v1.Device;
import io.peregrine.dataplane.api.v1.DeviceHealth;
import io.peregrine.dataplane.api.v1.DmaMemory;
import io.peregrine.dataplane.api.v1.GetNodeInfoRequest;
import io.peregrine.dataplane.api.v1.Health;
import io.peregrine.dataplane.api.v1.HealthCheck;
import io.peregrine.dataplane.api.v1.NodeInfo;
import io.peregrine.dataplane.api.v1.NodeServiceGrpc;
import io.peregrine.dataplane.api.v1.Reactor;
import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.bdev.BdevSpec;
import io.peregrine.dataplane.bdev.nvme.NvmeBdev;
import io.peregrine.dataplane.config.HostInfo;
import io.peregrine.dataplane.netty.ReactorIoHandler;
import io.peregrine.dataplane.netty.ReactorLoopGroup;
import io.peregrine.dataplane.node.Node;
import io.peregrine.dataplane.node.PciNvme;
import io.peregrine.dataplane.node.PoolEntry;
import io.peregrine.nvme.driver.ControllerInfo;
import io.peregrine.nvme.driver.SmartHealth;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;

/** NodeService: what this node is, and whether it serves. */
final class NodeApi extends NodeServiceGrpc.NodeServiceImplBase {
    /** The version Peregrine reports when it runs from classes, not a packaged jar. */
    static final String DEV_VERSION = "0.1.0-dev";

    private final Node node;
    private final BooleanSupplier apiServing;

    NodeApi(Node node, BooleanSupplier apiServing) {
        this.node = node;
        this.apiServing = apiServing;
    }

    static String version() {
        String v = NodeApi.class.getPackage().getImplementationVersion();
        return v == null ? DEV_VERSION : v;
    }

    @Override
    public void getNodeInfo(GetNodeInfoRequest request, StreamObserver<NodeInfo> out) {
        Rpc.answer(out, this::nodeInfo);
    }

    @Override
    public void checkHealth(CheckHealthRequest request, StreamObserver<Health> out) {
        Rpc.answer(out, () -> health(node, apiServing.getAsBoolean()));
    }

    NodeInfo nodeInfo() {
        NodeInfo.Builder b = NodeInfo.newBuilder()
                .setNodeName(node.config().nodeName())
                .setVersion(version())
                .setHostNqn(node.hostNqn())
                .addAllListeners(Protos.listeners(node))
                .setStartedAt(Protos.timestamp(node.startedAt()));
        ReactorLoopGroup loops = node.reactors();
        for (int i = 0; i < loops.size(); i++) {
            ReactorIoHandler h = loops.handler(i);
            b.addReactors(Reactor.newBuilder()
                    .setId(i)
                    .setCore(h.cpu())
                    .setBusyNanos(h.busyNanos())
                    .setIdleNanos(h.idleNanos())
                    .setState(h.polling() ? Reactor.State.POLLING : Reactor.State.PARKED));
        }
        b.setDmaMemory(dmaMemory());
        Set<String> seen = new HashSet<>();
        for (PoolEntry p : node.pools().list()) {
            Device.Builder d = Device.newBuilder().setUri(p.uri()).setPool(p.name());
            Bdev bdev = p.bdev();
            if (bdev != null) {
                d.setKind(kind(bdev.spec())).setSizeBytes(bdev.sizeBytes()).setBlockSize(bdev.blockSize());
                if (bdev instanceof NvmeBdev nvme) {
                    ControllerInfo info = nvme.device().controller().info();
                    d.setModel(info.modelNumber().strip())
                            .setSerial(info.serialNumber().strip())
                            .setFirmware(info.firmwareRevision().strip());
                    node.deviceHealth().health(bdev).ifPresent(h -> d.setHealth(health(h)));
                }
                if (bdev.spec() instanceof BdevSpec.Pcie pcie) {
                    seen.add(pcie.bdf());
                }
            }
            b.addDevices(d);
        }
        for (PciNvme.Controller c : PciNvme.scan()) {
            if (seen.contains(c.bdf())) {
                continue;
            }
            b.addDevices(Device.newBuilder()
                    .setUri(c.uri())
                    .setKind(Device.Kind.NVME_PCIE)
                    .setModel(c.model())
                    .setSerial(c.serial())
                    .setFirmware(c.firmware())
                    .setSizeBytes(c.sizeBytes())
                    .setBlockSize(c.blockSize()));
        }
        return b.build();
    }

    private DmaMemory dmaMemory() {
        HostInfo.HugePages h = HostInfo.hugePages();
        long[] buffers = node.bufferBytes();
        long mapped = 0;
        boolean smallPages = node.config().hugepagesMiB() > 0 && h.total() == 0;
        for (PoolEntry p : node.pools().list()) {
            if (p.bdev() instanceof NvmeBdev nvme) {
                mapped += nvme.device().dmaMemory().mappedBytes();
                smallPages |= !nvme.device().dmaMemory().hugePages();
            }
        }
        return DmaMemory.newBuilder()
                .setHugepageSizeBytes(h.pageBytes())
                .setHugepagesTotal(h.total())
                .setHugepagesFree(h.free())
                .setFallbackSmallPages(smallPages)
                .setPoolBytes(node.config().hugepagesMiB() << 20)
                .setPoolUsedBytes(Math.max(mapped, buffers[0]))
                .build();
    }

    static DeviceHealth health(SmartHealth h) {
        return DeviceHealth.newBuilder()
                .setTemperatureKelvin(h.temperatureKelvin())
                .setPercentageUsed(h.percentageUsed())
                .setMediaErrors(h.mediaErrors())
                .setCriticalWarning(h.criticalWarning())
                .build();
    }

    static Device.Kind kind(BdevSpec spec) {
        return switch (spec) {
            case BdevSpec.Pcie p -> Device.Kind.NVME_PCIE;
            case BdevSpec.Emu e -> Device.Kind.NVME_PCIE;
            case BdevSpec.Uring u -> Device.Kind.URING;
            case BdevSpec.File f -> Device.Kind.FILE;
            case BdevSpec.Malloc m -> Device.Kind.MALLOC;
            case BdevSpec.Null n -> Device.Kind.NULL;
        };
    }

    /**
     * The node's health: NOT_SERVING when the target, a reactor or the API is down (or the node is
     * stopping), DEGRADED when only pools need attention, SERVING otherwise.
     */
    static Health health(Node node, boolean apiServing) {
        Health.Builder b = Health.newBuilder();
        boolean down = node.closed();
        boolean degraded = false;
        boolean listening = !node.target().target().ports().isEmpty() && !node.closed();
        b.addChecks(check("target", listening, listening ? "" : "the NVMe/TCP target is not listening"));
        down |= !listening;
        ReactorLoopGroup loops = node.reactors();
        int stopped = 0;
        for (var loop : loops.loops()) {
            stopped += loop.isShuttingDown() ? 1 : 0;
        }
        b.addChecks(check("reactors", stopped == 0, stopped == 0 ? "" : stopped + " reactor(s) stopped"));
        down |= stopped > 0;
        b.addChecks(check("api", apiServing, apiServing ? "" : "the management API is not serving"));
        down |= !apiServing;
        for (PoolEntry p : node.pools().list()) {
            boolean ok = p.state() == PoolEntry.State.ONLINE;
            b.addChecks(check("pool:" + p.name(), ok, ok ? "" : p.state() + ": " + p.message()));
            degraded |= !ok;
        }
        b.setStatus(down ? Health.Status.NOT_SERVING : degraded ? Health.Status.DEGRADED : Health.Status.SERVING);
        return b.build();
    }

    private static HealthCheck check(String name, boolean ok, String message) {
        return HealthCheck.newBuilder()
                .setName(name)
                .setOk(ok)
                .setMessage(message)
                .build();
    }
}
