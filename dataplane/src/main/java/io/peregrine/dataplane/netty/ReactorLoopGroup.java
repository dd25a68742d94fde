package io.peregrine.dataplane.netty;

import io.netty.channel.EventLoop;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ThreadAwareExecutor;
import io.peregrine.dataplane.reactor.CoreList;
import io.peregrine.dataplane.reactor.IdlePolicy;
import io.peregrine.dataplane.reactor.ReactorCore;
import io.peregrine.nvmf.tcp.SpinPolicy;
import io.peregrine.nvmf.tcp.TransportFlavor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's reactors as Netty event loops (DESIGN §5): one loop per CPU of a {@link CoreList},
 * each pinned to its CPU and driving its own {@link ReactorCore}. Connections of the NVMe/TCP
 * target, the volume channels they open and, for {@code pcie://} pools, the NVMe queue pairs all
 * live on the same thread, so an I/O never hops between threads.
 *
 * <p>{@link #coreOf} maps a loop (the executor a namespace channel is opened for) to its core.
 */
public final class ReactorLoopGroup implements AutoCloseable {
    private final MultiThreadIoEventLoopGroup group;
    private final TransportFlavor flavor;
    private final List<EventLoop> loops;
    private final Map<EventExecutor, ReactorIoHandler> handlers;

    private ReactorLoopGroup(
            MultiThreadIoEventLoopGroup group,
            TransportFlavor flavor,
            List<EventLoop> loops,
            Map<EventExecutor, ReactorIoHandler> handlers) {
        this.group = group;
        this.flavor = flavor;
        this.loops = loops;
        this.handlers = handlers;
    }

    /**
     * Starts one reactor loop per CPU in {@code cpus} (pinned, best effort), or {@code count}
     * unpinned loops when {@code cpus} is null, on the native transport {@code flavor} (epoll or
     * io_uring), polling per {@code policy}. Returns once every loop runs.
     */
    public static ReactorLoopGroup start(
            String prefix, CoreList cpus, int count, TransportFlavor flavor, IdlePolicy policy) {
        if (flavor == TransportFlavor.NIO) {
            throw new IllegalArgumentException("reactor loops need a native transport (epoll or io_uring), not NIO");
        }
        if (!flavor.available()) {
            throw new IllegalStateException(
                    "the " + flavor + " transport is not available here: " + flavor.unavailabilityCause(),
                    flavor.unavailabilityCause());
        }
        int n = cpus != null ? cpus.size() : count;
        if (n < 1) {
            throw new IllegalArgumentException("need at least one reactor, not " + n);
        }
        Map<EventExecutor, ReactorIoHandler> handlers = new ConcurrentHashMap<>();
        AtomicInteger created = new AtomicInteger();
        IoHandlerFactory nativeFactory = flavor.handlerFactory(SpinPolicy.micros(0));
        IoHandlerFactory factory = new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor executor) {
                int index = created.getAndIncrement();
                int cpu = cpus != null ? cpus.cpu(index % cpus.size()) : -1;
                ReactorIoHandler handler = new ReactorIoHandler(
                        nativeFactory.newHandler(executor), new ReactorCore(prefix + "-" + index), policy, cpu);
                if (executor instanceof EventExecutor loop) {
                    handlers.put(loop, handler);
                }
                return handler;
            }
        };
        MultiThreadIoEventLoopGroup group =
                new MultiThreadIoEventLoopGroup(n, new DefaultThreadFactory(prefix, true), factory);
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor e : group) {
            EventLoop loop = (EventLoop) e;
            loops.add(loop);
            // start the thread now: the core is bound on it, and messages must reach it from the start
            loop.submit(() -> {}).syncUninterruptibly();
        }
        if (handlers.size() != n) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            throw new IllegalStateException("Netty made " + handlers.size() + " I/O handlers for " + n + " loops");
        }
        return new ReactorLoopGroup(group, flavor, List.copyOf(loops), handlers);
    }

    /** The Netty group: hand it to the NVMe/TCP target. */
    public MultiThreadIoEventLoopGroup group() {
        return group;
    }

    /** The native transport the loops run (the target needs to know: the handlers are wrapped). */
    public TransportFlavor flavor() {
        return flavor;
    }

    public List<EventLoop> loops() {
        return loops;
    }

    public int size() {
        return loops.size();
    }

    /** Loop {@code i}'s handler (its core, counters, CPU). */
    public ReactorIoHandler handler(int i) {
        return handlers.get(loops.get(i));
    }

    /** The core {@code executor} drives, or null when it is not one of these loops. */
    public ReactorCore coreOf(EventExecutor executor) {
        ReactorIoHandler h = handlers.get(executor);
        return h == null ? null : h.core();
    }

    /** Stops the loops (after their channels closed) and waits for them. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
