package io.peregrine.nvmf.core;

import io.peregrine.nvmf.buffer.IoBufferPool;
import io.peregrine.nvmf.namespace.Namespace;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The NVMe over Fabrics target: its subsystems (the Discovery subsystem always among them), the
 * ports it listens on, and the limits every controller advertises. Transports hand it new
 * connections through {@link #newQueue}. Thread-safe.
 */
public final class Target {
    public static final String DEFAULT_MODEL = "Peregrine";
    public static final String FIRMWARE_REVISION = "0.1.0";

    private final TargetLimits limits;
    private final CommandSets commandSets;
    private final ConcurrentMap<String, Subsystem> subsystems = new ConcurrentHashMap<>();
    private final Subsystem discovery;
    private final CopyOnWriteArrayList<Port> ports = new CopyOnWriteArrayList<>();
    private final AtomicLong discoveryGeneration = new AtomicLong();

    public Target(TargetLimits limits, CommandSets commandSets) {
        this.limits = limits;
        this.commandSets = commandSets;
        this.discovery = new Subsystem(this, Nqn.DISCOVERY, Subsystem.Type.DISCOVERY, "discovery", DEFAULT_MODEL, 0);
        subsystems.put(Nqn.DISCOVERY, discovery);
    }

    public TargetLimits limits() {
        return limits;
    }

    CommandSets commandSets() {
        return commandSets;
    }

    /** A queue for a new connection; the transport feeds it commands. */
    public QueuePair newQueue(TransportOps transport, IoBufferPool buffers) {
        return new QueuePair(this, transport, buffers);
    }

    // ------------------------------------------------------------------ subsystems

    /**
     * Creates an NVM subsystem with no namespaces and no allowed hosts. {@code serialNumber} is at
     * most 20 ASCII characters, {@code modelNumber} at most 40.
     */
    public Subsystem createSubsystem(String nqn, String serialNumber, String modelNumber, int maxNamespaces) {
        Nqn.require(nqn);
        if (nqn.equals(Nqn.DISCOVERY)) throw new IllegalArgumentException(nqn + " is the discovery subsystem's NQN");
        requireAscii("serial number", serialNumber, 20);
        requireAscii("model number", modelNumber, 40);
        Subsystem subsystem = new Subsystem(this, nqn, Subsystem.Type.NVM, serialNumber, modelNumber, maxNamespaces);
        if (subsystems.putIfAbsent(nqn, subsystem) != null) {
            throw new IllegalStateException("subsystem " + nqn + " already exists");
        }
        discoveryChanged();
        return subsystem;
    }

    /**
     * Exports a volume: subsystem {@code nqn.2026-11.io.peregrine:vol:<uuid>} with the volume as
     * NSID 1, its NGUID and UUID derived from the volume's UUID, the serial number from the UUID
     * too -- so hosts see the same identity after restarts. No host is allowed yet.
     */
    public Subsystem exportVolume(UUID volume, Namespace namespace) {
        String serial = volume.toString().replace("-", "").substring(0, 20).toUpperCase(Locale.ROOT);
        Subsystem subsystem = createSubsystem(Nqn.forVolume(volume), serial, DEFAULT_MODEL + " Volume", 1);
        subsystem.addNamespace(1, namespace, volume);
        return subsystem;
    }

    /** The subsystem named {@code nqn} (the Discovery subsystem included), or {@code null}. */
    public Subsystem subsystem(String nqn) {
        return subsystems.get(nqn);
    }

    public Subsystem discoverySubsystem() {
        return discovery;
    }

    /** NVM subsystems, discovery excluded. */
    public List<Subsystem> subsystems() {
        List<Subsystem> list = new ArrayList<>();
        for (Subsystem s : subsystems.values()) if (s.type() == Subsystem.Type.NVM) list.add(s);
        list.sort((a, b) -> a.nqn().compareTo(b.nqn()));
        return list;
    }

    /** Removes subsystem {@code nqn}, disconnecting its controllers (and no one else). */
    public void removeSubsystem(String nqn) {
        if (nqn.equals(Nqn.DISCOVERY)) throw new IllegalArgumentException("the discovery subsystem cannot be removed");
        Subsystem removed = subsystems.remove(nqn);
        if (removed == null) throw new IllegalArgumentException("no subsystem " + nqn);
        removed.remove();
        discoveryChanged();
    }

    // ------------------------------------------------------------------ ports and discovery

    public void addPort(Port port) {
        ports.add(port);
        discoveryChanged();
    }

    public void removePort(Port port) {
        if (ports.remove(port)) discoveryChanged();
    }

    public List<Port> ports() {
        return List.copyOf(ports);
    }

    /** GENCTR of the Discovery log page. */
    public long discoveryGeneration() {
        return discoveryGeneration.get();
    }

    /** Something a Discovery log page shows changed: bump GENCTR and tell discovery controllers. */
    void discoveryChanged() {
        discoveryGeneration.incrementAndGet();
        if (discovery == null) return; // during construction
        for (Controller controller : discovery.controllers()) {
            controller.raise(io.peregrine.nvmf.fabrics.spec.AsyncEvent.DISCOVERY_LOG_CHANGED);
        }
    }

    /** Disconnects every controller of every subsystem. */
    public void disconnectAll(String reason) {
        for (Subsystem subsystem : subsystems.values()) {
            for (Controller controller : subsystem.controllers()) controller.fail(reason);
        }
    }

    private static void requireAscii(String what, String value, int max) {
        if (value == null
                || value.isEmpty()
                || value.length() > max
                || !value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException(
                    what + " must be 1.." + max + " printable ASCII characters, got '" + value + "'");
        }
    }
}
