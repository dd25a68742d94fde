package io.peregrine.nvmf.target;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.peregrine.nvmf.admin.AdminCommands;
import io.peregrine.nvmf.buffer.IoBufferPools;
import io.peregrine.nvmf.buffer.SlabAllocator;
import io.peregrine.nvmf.core.CommandSets;
import io.peregrine.nvmf.core.Port;
import io.peregrine.nvmf.core.Subsystem;
import io.peregrine.nvmf.core.Target;
import io.peregrine.nvmf.core.TargetLimits;
import io.peregrine.nvmf.fabrics.FabricsCommands;
import io.peregrine.nvmf.io.IoCommands;
import io.peregrine.nvmf.namespace.Namespace;
import io.peregrine.nvmf.tcp.SpinPolicy;
import io.peregrine.nvmf.tcp.TcpTargetConfig;
import io.peregrine.nvmf.tcp.TcpTransport;
import io.peregrine.nvmf.tcp.TransportFlavor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * An NVMe/TCP target, assembled: the {@link Target} with its command sets, a TCP transport on an
 * event loop group (one the caller owns, or one made here), and the data buffer pools.
 *
 * <pre>{@code
 * try (NvmfTarget target = NvmfTarget.builder().threads(1).build()) {
 *     Port port = target.listen(new InetSocketAddress("127.0.0.1", 0));
 *     Subsystem s = target.exportVolume(volumeUuid, new MemoryNamespace(4096, 65536));
 *     s.allowHost("nqn.2014-08.org.nvmexpress:uuid:...");
 * }
 * }</pre>
 *
 * Subsystems, namespaces and hosts may be added and removed while connections run; only the
 * connections a change concerns are affected.
 */
public final class NvmfTarget implements AutoCloseable {
    private final Target target;
    private final TcpTransport tcp;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final IoBufferPools buffers;
    private final boolean ownsBuffers;

    private NvmfTarget(Builder builder) {
        this.target = new Target(builder.limits, commandSets());
        TransportFlavor flavor;
        if (builder.group != null) {
            this.group = builder.group;
            this.ownsGroup = false;
            flavor = builder.flavor != null ? builder.flavor : TransportFlavor.of(builder.group);
            if (flavor == null) {
                throw new IllegalArgumentException("cannot tell which Netty transport the event loop group runs;"
                        + " pass its TransportFlavor to eventLoopGroup(group, flavor)");
            }
        } else {
            flavor = builder.flavor != null ? builder.flavor : TransportFlavor.preferred();
            this.group = flavor.newGroup(builder.threads, "nvmf-target", builder.spin);
            this.ownsGroup = true;
        }
        if (builder.buffers != null) {
            this.buffers = builder.buffers;
            this.ownsBuffers = false;
        } else {
            int max = builder.limits.maxTransferSize();
            this.buffers = builder.slabs != null
                    ? IoBufferPools.of(builder.slabs, builder.allocator, max)
                    : IoBufferPools.arenaBacked(builder.allocator, max);
            this.ownsBuffers = true;
        }
        this.tcp = new TcpTransport(
                target, new TcpTargetConfig(buffers, flavor, builder.advertisedAddress, builder.allocator), group);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The command sets of a standard target: Fabrics, admin (I/O and discovery), NVM. */
    public static CommandSets commandSets() {
        FabricsCommands fabrics = new FabricsCommands();
        return new CommandSets(
                fabrics.connectSet(),
                fabrics.fabricsSet(),
                AdminCommands.ioController(),
                AdminCommands.discoveryController(),
                new IoCommands());
    }

    /** The target's subsystems, controllers and ports. */
    public Target target() {
        return target;
    }

    public EventLoopGroup eventLoopGroup() {
        return group;
    }

    public IoBufferPools buffers() {
        return buffers;
    }

    public TcpTransport tcp() {
        return tcp;
    }

    /** Listens for NVMe/TCP on {@code address}; port 0 picks a free one. */
    public Port listen(InetSocketAddress address) {
        return tcp.listen(address);
    }

    public List<Port> ports() {
        return target.ports();
    }

    /** See {@link Target#exportVolume}. */
    public Subsystem exportVolume(UUID volume, Namespace namespace) {
        return target.exportVolume(volume, namespace);
    }

    /** See {@link Target#createSubsystem}. */
    public Subsystem createSubsystem(String nqn, String serialNumber, String modelNumber, int maxNamespaces) {
        return target.createSubsystem(nqn, serialNumber, modelNumber, maxNamespaces);
    }

    public void removeSubsystem(String nqn) {
        target.removeSubsystem(nqn);
    }

    /**
     * Stops listening, disconnects every host, and -- when this object made them -- stops the
     * event loops and frees the buffer memory. Blocks; not on an event loop.
     */
    @Override
    public void close() {
        target.disconnectAll("the target is shutting down");
        tcp.close();
        if (ownsGroup) group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        if (ownsBuffers && ownsGroup) buffers.close();
    }

    /** Assembles an {@link NvmfTarget}. */
    public static final class Builder {
        private TargetLimits limits = TargetLimits.DEFAULT;
        private EventLoopGroup group;
        private TransportFlavor flavor;
        private int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        private IoBufferPools buffers;
        private SlabAllocator slabs;
        private ByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
        private String advertisedAddress;
        private SpinPolicy spin = SpinPolicy.micros(0);

        private Builder() {}

        /** How the event loops made here poll (default: they never spin). */
        public Builder spin(SpinPolicy value) {
            this.spin = value;
            return this;
        }

        public Builder limits(TargetLimits value) {
            this.limits = value;
            return this;
        }

        /**
         * Runs on an event loop group the caller owns (the dataplane's reactors), whose transport is
         * {@code groupFlavor} (null: find out from the group).
         */
        public Builder eventLoopGroup(EventLoopGroup value, TransportFlavor groupFlavor) {
            this.group = value;
            this.flavor = groupFlavor;
            return this;
        }

        /** Event loop threads of the group made here (default: one per processor). */
        public Builder threads(int value) {
            if (value < 1) throw new IllegalArgumentException("need at least one event loop thread, got " + value);
            this.threads = value;
            return this;
        }

        /** Which Netty transport the group made here uses (default: epoll when available). */
        public Builder flavor(TransportFlavor value) {
            this.flavor = value;
            return this;
        }

        /** Data buffers from these pools (shared with other components). */
        public Builder buffers(IoBufferPools value) {
            this.buffers = value;
            return this;
        }

        /** Data buffer memory from {@code value} (DMA-able memory, say). */
        public Builder slabs(SlabAllocator value) {
            this.slabs = value;
            return this;
        }

        public Builder allocator(ByteBufAllocator value) {
            this.allocator = value;
            return this;
        }

        /** The address Discovery log entries give hosts (when it differs from the listening one). */
        public Builder advertisedAddress(String value) {
            this.advertisedAddress = value;
            return this;
        }

        public NvmfTarget build() {
            return new NvmfTarget(this);
        }
    }
}
