package io.peregrine.dataplane.reactor;

import java.util.concurrent.atomic.AtomicReference;

/**
 * An intrusive multi-producer, single-consumer hand-off: helper threads {@link #push} finished
 * requests, the owner thread {@link #drain}s them in arrival order. The requests are the links,
 * so nothing is allocated per hand-off (a Treiber stack reversed on drain).
 */
public final class MpscChain<T extends MpscChain.Link<T>> {
    /** A request that can sit in a chain. */
    public abstract static class Link<T> {
        T next;
    }

    private final AtomicReference<T> head = new AtomicReference<>();

    /** Any thread. */
    public void push(T item) {
        T h;
        do {
            h = head.get();
            item.next = h;
        } while (!head.compareAndSet(h, item));
    }

    public boolean isEmpty() {
        return head.get() == null;
    }

    /**
     * Owner thread: takes everything pushed so far, oldest first. Walk the result with {@link
     * #next}, which also unlinks.
     */
    public T drain() {
        T h = head.getAndSet(null);
        T prev = null;
        while (h != null) {
            T n = h.next;
            h.next = prev;
            prev = h;
            h = n;
        }
        return prev;
    }

    /** The item after {@code item} in a drained chain; clears the link. */
    public static <T extends Link<T>> T next(T item) {
        T n = item.next;
        item.next = null;
        return n;
    }
}
