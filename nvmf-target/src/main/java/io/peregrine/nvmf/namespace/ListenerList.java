package io.peregrine.nvmf.namespace;

import java.util.concurrent.CopyOnWriteArrayList;

/** The listeners of a namespace, for implementations to reuse. Thread-safe. */
public final class ListenerList {
    private final CopyOnWriteArrayList<Namespace.Listener> listeners = new CopyOnWriteArrayList<>();

    public void add(Namespace.Listener listener) {
        listeners.addIfAbsent(listener);
    }

    public void remove(Namespace.Listener listener) {
        listeners.remove(listener);
    }

    public void capacityChanged(Namespace namespace) {
        for (Namespace.Listener listener : listeners) listener.capacityChanged(namespace);
    }
}
