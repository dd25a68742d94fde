package io.peregrine.dataplane.export;

import io.netty.util.concurrent.EventExecutor;
import io.peregrine.dataplane.lvol.LvolStore;
import io.peregrine.dataplane.lvol.VolumeChannel;
import io.peregrine.dataplane.reactor.ReactorCore;
import io.peregrine.nvmf.namespace.ListenerList;
import io.peregrine.nvmf.namespace.Namespace;
import io.peregrine.nvmf.namespace.NamespaceChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A logical volume as an NVMe namespace: what the target serves I/O through when a volume is
 * published. Each event loop that carries a connection to it opens its own channel (a {@link
 * VolumeChannel} on that loop's reactor core), so I/O goes from the socket to the volume to the
 * device on one thread.
 *
 * <p>Growing the volume calls {@link #resized}, which tells the target (Namespace Attribute
 * Changed, Changed Namespace List). The namespace also holds the volume's I/O counters: the live
 * channels' and those of channels already closed.
 */
public final class VolumeNamespace implements Namespace {
    private final LvolStore pool;
    private final String poolName;
    private final UUID uuid;
    private final int blockSize;
    private final Function<EventExecutor, ReactorCore> cores;
    private final ListenerList listeners = new ListenerList();
    // guarded by retired, which outlives this namespace: a volume published again keeps counting
    private final List<VolumeNamespaceChannel> channels = new ArrayList<>();
    private final IoCounters retired;
    private final CompletableFuture<Void> allClosed = new CompletableFuture<>();
    private final String name;
    private volatile long blockCount;
    private boolean detached;

    /**
     * @param cores the reactor core each event loop drives (the namespace refuses other loops)
     * @param retired where closed channels leave their counters; shared by every namespace the
     *     volume is published as in this process, and the lock over them
     */
    public VolumeNamespace(
            LvolStore pool,
            String poolName,
            UUID uuid,
            String name,
            int blockSize,
            long blockCount,
            Function<EventExecutor, ReactorCore> cores,
            IoCounters retired) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.poolName = poolName;
        this.uuid = uuid;
        this.name = name;
        this.blockSize = blockSize;
        this.blockCount = blockCount;
        this.cores = cores;
        this.retired = Objects.requireNonNull(retired, "retired");
    }

    public UUID uuid() {
        return uuid;
    }

    public String poolName() {
        return poolName;
    }

    public String name() {
        return name;
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public long blockCount() {
        return blockCount;
    }

    @Override
    public boolean thinProvisioned() {
        return true;
    }

    /**
     * Deallocated blocks do not always read as zeroes: only whole clusters of a thin volume are
     * freed, smaller ranges keep their data (NVMe "read behaviour not reported").
     */
    @Override
    public boolean deallocatedReadsZeroes() {
        return false;
    }

    /**
     * Always: a write into a new cluster is durable only once its mapping is, and that takes a
     * Flush (or FUA), whatever the device's own cache.
     */
    @Override
    public boolean volatileWriteCache() {
        return true;
    }

    @Override
    public NamespaceChannel openChannel(EventExecutor executor) {
        ReactorCore core = cores.apply(executor);
        if (core == null) {
            throw new IllegalStateException(executor + " is not a reactor loop; volume " + name + " cannot run there");
        }
        core.checkCoreThread();
        VolumeChannel volume = pool.openChannel(uuid, core);
        VolumeNamespaceChannel channel = new VolumeNamespaceChannel(this, volume, core);
        synchronized (retired) {
            channels.add(channel);
        }
        return channel;
    }

    /** A channel closed: keep its counters, and finish a pending {@link #closed()} when it was the last. */
    void channelClosed(VolumeNamespaceChannel channel) {
        boolean last;
        synchronized (retired) {
            channels.remove(channel);
            channel.counters().addTo(retired);
            last = detached && channels.isEmpty();
        }
        if (last) {
            allClosed.complete(null);
        }
    }

    /** The volume grew (or was renamed): hosts learn the new size through an asynchronous event. */
    public void resized(long newBlockCount) {
        long old = blockCount;
        blockCount = newBlockCount;
        if (old != newBlockCount) {
            listeners.capacityChanged(this);
        }
    }

    /**
     * The target no longer exports this namespace; the returned future completes once every
     * channel closed (the target closes each when its last request completed), after which the
     * volume can be deleted or its pool exported.
     */
    public CompletableFuture<Void> closed() {
        boolean none;
        synchronized (retired) {
            detached = true;
            none = channels.isEmpty();
        }
        if (none) {
            allClosed.complete(null);
        }
        return allClosed;
    }

    /** Channels open now (one per event loop that served a connection to the volume). */
    public int openChannels() {
        synchronized (retired) {
            return channels.size();
        }
    }

    /**
     * Adds the volume's counters -- since this process first published it, over every loop -- to
     * {@code sum} (a scrape reuses one accumulator).
     */
    public void addCountersTo(IoCounters sum) {
        synchronized (retired) {
            retired.addTo(sum);
            for (VolumeNamespaceChannel c : channels) {
                c.counters().addTo(sum);
            }
        }
    }

    IoCounters retiredCounters() {
        return retired;
    }

    @Override
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    @Override
    public String toString() {
        return "volume " + poolName + "/" + name + " (" + uuid + ")";
    }
}
