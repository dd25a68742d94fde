package io.peregrine.nvmf.core;

import io.netty.util.concurrent.EventExecutor;
import io.peregrine.nvmf.namespace.Namespace;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A namespace as one subsystem exports it: its NSID and the identifiers hosts see. NGUID and UUID
 * are derived from a UUID the owner supplies (the volume's), so a volume keeps its
 * {@code /dev/disk/by-id} names across restarts and moves.
 */
public final class SubsystemNamespace implements Namespace.Listener {
    private final Subsystem subsystem;
    private final int nsid;
    private final Namespace namespace;
    private final UUID uuid;
    private final byte[] nguid;
    private final ConcurrentMap<EventExecutor, NamespaceChannelRef> channels = new ConcurrentHashMap<>();
    private volatile boolean detached;

    SubsystemNamespace(Subsystem subsystem, int nsid, Namespace namespace, UUID uuid) {
        this.subsystem = subsystem;
        this.nsid = nsid;
        this.namespace = namespace;
        this.uuid = uuid;
        this.nguid = nguid(uuid);
    }

    /** NGUID: the 16 bytes of the UUID, most significant first -- stable and unique with it. */
    static byte[] nguid(UUID uuid) {
        byte[] raw = new byte[16];
        for (int i = 0; i < 8; i++) {
            raw[i] = (byte) (uuid.getMostSignificantBits() >>> (56 - 8 * i));
            raw[8 + i] = (byte) (uuid.getLeastSignificantBits() >>> (56 - 8 * i));
        }
        return raw;
    }

    public Subsystem subsystem() {
        return subsystem;
    }

    public int nsid() {
        return nsid;
    }

    public Namespace namespace() {
        return namespace;
    }

    public UUID uuid() {
        return uuid;
    }

    public byte[] nguid() {
        return nguid.clone();
    }

    public boolean detached() {
        return detached;
    }

    /** The channel of {@code loop}, opened on first use; call on {@code loop}. */
    public NamespaceChannelRef channel(EventExecutor loop) {
        NamespaceChannelRef ref = channels.get(loop);
        if (ref == null) {
            ref = new NamespaceChannelRef(this, loop, namespace.openChannel(loop));
            channels.put(loop, ref);
            if (detached) ref.closeWhenIdle(); // lost a race with removal: never hand out I/O
        }
        return ref;
    }

    @Override
    public void capacityChanged(Namespace changed) {
        if (!detached) subsystem.namespaceChanged(this);
    }

    void attach() {
        namespace.addListener(this);
    }

    void detach() {
        detached = true;
        namespace.removeListener(this);
        channels.values().forEach(NamespaceChannelRef::closeWhenIdle);
    }

    @Override
    public String toString() {
        return "nsid " + nsid + " of " + subsystem.nqn() + " (" + namespace + ", uuid " + uuid + ")";
    }
}
