package io.peregrine.dataplane.node;

import io.peregrine.dataplane.config.DaemonConfig;
import io.peregrine.dataplane.config.HostInfo;
import io.peregrine.dataplane.export.Exports;
import io.peregrine.dataplane.netty.ReactorLoopGroup;
import io.peregrine.dataplane.reactor.IdlePolicy;
import io.peregrine.dataplane.reactor.Reactor;
import io.peregrine.nvmf.core.Port;
import io.peregrine.nvmf.target.NvmfTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The running dataplane of one node, without its management API: the reactors (Netty event loops
 * driving reactor cores), the metadata reactor, the NVMe/TCP target on the reactors, the exports,
 * and the pools. {@link #start} brings it up, re-importing every remembered pool and publishing
 * again what its volumes say was published; {@link #close} drains I/O and unloads every pool
 * cleanly.
 */
public final class Node implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Node.class.getName());

    private final DaemonConfig config;
    private final Reactor md;
    private final ReactorLoopGroup loops;
    private final DmaSlabs slabs;
    private final NvmfTarget target;
    private final Port port;
    private final Exports exports;
    private final Pools pools;
    private final Volumes volumes;
    private final Publications publications;
    private final String hostNqn;
    private final Instant startedAt = Instant.now();
    private final DeviceHealthCache health = new DeviceHealthCache();
    private volatile boolean closed;

    private Node(
            DaemonConfig config,
            Reactor md,
            ReactorLoopGroup loops,
            DmaSlabs slabs,
            NvmfTarget target,
            Port port,
            Exports exports,
            Pools pools) {
        this.config = config;
        this.md = md;
        this.loops = loops;
        this.slabs = slabs;
        this.target = target;
        this.port = port;
        this.exports = exports;
        this.pools = pools;
        this.volumes = new Volumes(pools, exports);
        this.publications = new Publications(volumes, exports);
        this.hostNqn = config.hostNqn().or(HostInfo::systemHostNqn).orElse("");
    }

    /** Starts the node: reactors, target, pools (with their exports). Fails fast on a bad setting. */
    public static Node start(DaemonConfig config) {
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot create the data directory " + config.dataDir() + ": " + e.getMessage(), e);
        }
        IdlePolicy policy = new IdlePolicy(config.spinMicros() * 1000, 500_000_000L, 20_000L, 1_000_000L);
        Reactor md = Reactor.start("md", -1, IdlePolicy.DEFAULT);
        ReactorLoopGroup loops = null;
        NvmfTarget target = null;
        DmaSlabs slabs = new DmaSlabs();
        try {
            loops = ReactorLoopGroup.start(
                    "reactor", config.cores().orElse(null), config.reactorCount(), config.transport(), policy);
            NvmfTarget.Builder builder = NvmfTarget.builder()
                    .eventLoopGroup(loops.group(), loops.flavor())
                    .slabs(slabs);
            config.targetAdvertise().ifPresent(builder::advertisedAddress);
            target = builder.build();
            Port port = target.listen(config.targetListen());
            Exports exports = new Exports(target, loops::coreOf);
            Pools pools = new Pools(md.core(), exports, new KnownPools(config.dataDir()), slabs::holds);
            slabs.devices(pools::devices);
            Node node = new Node(config, md, loops, slabs, target, port, exports, pools);
            checkHugePages(config);
            pools.restore();
            LOG.log(
                    System.Logger.Level.INFO,
                    "node " + config.nodeName() + ": " + loops.size() + " reactor(s), NVMe/TCP target on "
                            + port.address() + ":" + port.port() + ", "
                            + pools.list().size() + " pool(s)");
            return node;
        } catch (RuntimeException | Error e) {
            if (target != null) {
                target.close();
            }
            if (loops != null) {
                loops.close();
            }
            md.close();
            slabs.close();
            throw e;
        }
    }

    private static void checkHugePages(DaemonConfig config) {
        if (config.hugepagesMiB() == 0) {
            return;
        }
        HostInfo.HugePages h = HostInfo.hugePages();
        long freeMiB = h.free() * h.pageBytes() >> 20;
        if (freeMiB < config.hugepagesMiB()) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "hugepages = " + config.hugepagesMiB() + " MiB were asked for, but the system has " + freeMiB
                            + " MiB of hugepages free (" + h.free() + " of " + h.total() + " pages): DMA memory for"
                            + " pcie:// pools falls back to 4 KiB pages. Reserve more, e.g. echo "
                            + (config.hugepagesMiB()
                                    * (1L << 20)
                                    / Math.max(1, h.pageBytes() == 0 ? 2L << 20 : h.pageBytes()))
                            + " > /proc/sys/vm/nr_hugepages");
        }
    }

    public DaemonConfig config() {
        return config;
    }

    public Reactor metadataReactor() {
        return md;
    }

    public ReactorLoopGroup reactors() {
        return loops;
    }

    public NvmfTarget target() {
        return target;
    }

    /** Where the target listens (the bound port when the configuration said 0). */
    public Port port() {
        return port;
    }

    public InetSocketAddress targetAddress() {
        return new InetSocketAddress(config.targetListen().getAddress(), port.port());
    }

    public Exports exports() {
        return exports;
    }

    public Pools pools() {
        return pools;
    }

    public Volumes volumes() {
        return volumes;
    }

    public Publications publications() {
        return publications;
    }

    /** The NQN this node's kernel initiator uses (empty when the node has none). */
    public String hostNqn() {
        return hostNqn;
    }

    /** SMART readings of the pools' NVMe devices, cached. */
    public DeviceHealthCache deviceHealth() {
        return health;
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** Bytes of the target's data buffers in DMA memory, and in ordinary memory. */
    public long[] bufferBytes() {
        return new long[] {slabs.dmaBytes(), slabs.plainBytes()};
    }

    public boolean closed() {
        return closed;
    }

    /** What is wrong with the node right now, by component; empty when everything serves. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (closed) {
            out.add("the node is stopping");
        }
        if (target.target().ports().isEmpty()) {
            out.add("the NVMe/TCP target is not listening");
        }
        for (int i = 0; i < loops.size(); i++) {
            if (loops.loops().get(i).isShuttingDown()) {
                out.add("reactor " + i + " stopped");
            }
        }
        for (PoolEntry p : pools.list()) {
            if (p.state() != PoolEntry.State.ONLINE) {
                out.add("pool " + p.name() + " is " + p.state() + ": " + p.message());
            }
        }
        return out;
    }

    /** The target's advertised address for a wildcard listener when one was configured. */
    public Optional<String> advertisedAddress() {
        return config.targetAdvertise();
    }

    /**
     * Stops: hosts are disconnected and the listener closed, in-flight I/O drains, every pool is
     * unloaded cleanly (its clean flag set), then the reactors stop.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.log(System.Logger.Level.INFO, "node " + config.nodeName() + " stopping");
        try {
            target.close(); // stop listening, disconnect every host
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the target: " + e);
        }
        pools.unloadAll();
        loops.close();
        pools.closeRetained();
        md.close();
        slabs.close();
        LOG.log(System.Logger.Level.INFO, "node " + config.nodeName() + " stopped");
    }
}
