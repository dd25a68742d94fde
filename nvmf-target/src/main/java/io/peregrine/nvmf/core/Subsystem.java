package io.peregrine.nvmf.core;

import io.peregrine.nvmf.fabrics.spec.ConnectData;
import io.peregrine.nvmf.namespace.Namespace;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * An NVM subsystem: an NQN, the namespaces it exports, the hosts allowed in, and the controllers
 * those hosts have created. Thread-safe; management calls (namespaces, hosts) never disturb the
 * connections they do not concern.
 *
 * <p>Access control: a host connects only when {@link #allowAnyHost} is on or its host NQN is on
 * the allowlist. Both start empty/off: a new subsystem admits no one until told whom to admit.
 */
public final class Subsystem {

    /** What kind of controllers the subsystem creates. */
    public enum Type {
        /** Exports namespaces: I/O controllers. */
        NVM,
        /** The Discovery subsystem: discovery controllers, no namespaces. */
        DISCOVERY
    }

    private final Target target;
    private final String nqn;
    private final Type type;
    private final String serialNumber;
    private final String modelNumber;
    private final int maxNamespaces;
    private final Set<String> allowedHosts = ConcurrentHashMap.newKeySet();
    private final ConcurrentMap<Integer, Controller> controllers = new ConcurrentHashMap<>();
    private volatile boolean allowAnyHost;
    private volatile SubsystemNamespace[] namespaces;
    private volatile boolean removed;
    private int nextCntlid = 1;
    private final long[] retired = new long[4];

    Subsystem(Target target, String nqn, Type type, String serialNumber, String modelNumber, int maxNamespaces) {
        this.target = target;
        this.nqn = Nqn.require(nqn);
        this.type = type;
        this.serialNumber = Objects.requireNonNull(serialNumber, "serialNumber");
        this.modelNumber = Objects.requireNonNull(modelNumber, "modelNumber");
        if (maxNamespaces < 0 || maxNamespaces > 1024) {
            throw new IllegalArgumentException("a subsystem holds 0..1024 namespaces, got " + maxNamespaces);
        }
        this.maxNamespaces = maxNamespaces;
        this.namespaces = new SubsystemNamespace[maxNamespaces];
    }

    public Target target() {
        return target;
    }

    public String nqn() {
        return nqn;
    }

    public Type type() {
        return type;
    }

    public String serialNumber() {
        return serialNumber;
    }

    public String modelNumber() {
        return modelNumber;
    }

    /** NN: the largest NSID this subsystem may use. */
    public int maxNamespaces() {
        return maxNamespaces;
    }

    public boolean removed() {
        return removed;
    }

    // ------------------------------------------------------------------ hosts

    /** Lets any host connect (off by default: prefer {@link #allowHost}). */
    public void allowAnyHost(boolean allow) {
        boolean was = allowAnyHost;
        allowAnyHost = allow;
        if (was && !allow) dropUnauthorizedHosts();
        if (was != allow) target.discoveryChanged();
    }

    public boolean allowsAnyHost() {
        return allowAnyHost;
    }

    /** Adds {@code hostNqn} to the allowlist. */
    public void allowHost(String hostNqn) {
        if (allowedHosts.add(Nqn.require(hostNqn))) target.discoveryChanged();
    }

    /** Removes {@code hostNqn} from the allowlist and disconnects its controllers (only those). */
    public void disallowHost(String hostNqn) {
        if (allowedHosts.remove(hostNqn)) {
            dropUnauthorizedHosts();
            target.discoveryChanged();
        }
    }

    public Set<String> allowedHosts() {
        return Set.copyOf(allowedHosts);
    }

    /** Whether {@code hostNqn} may connect to this subsystem. */
    public boolean hostAllowed(String hostNqn) {
        return type == Type.DISCOVERY || allowAnyHost || allowedHosts.contains(hostNqn);
    }

    private void dropUnauthorizedHosts() {
        for (Controller controller : controllers.values()) {
            if (!hostAllowed(controller.hostNqn()))
                controller.fail("host " + controller.hostNqn() + " is no longer allowed");
        }
    }

    // ------------------------------------------------------------------ namespaces

    /**
     * Exports {@code namespace} as {@code nsid} (0: the lowest free NSID) with identifiers derived
     * from {@code uuid}. Connected hosts learn of it through their next namespace scan.
     */
    public synchronized SubsystemNamespace addNamespace(int nsid, Namespace namespace, UUID uuid) {
        if (type == Type.DISCOVERY) throw new IllegalStateException("the discovery subsystem has no namespaces");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(uuid, "uuid");
        SubsystemNamespace[] current = namespaces;
        if (nsid == 0) {
            for (int i = 0; i < current.length && nsid == 0; i++) if (current[i] == null) nsid = i + 1;
            if (nsid == 0) throw new IllegalStateException(nqn + " already has its " + maxNamespaces + " namespaces");
        }
        if (nsid < 1 || nsid > maxNamespaces) {
            throw new IllegalArgumentException("NSID must be 1.." + maxNamespaces + ", got " + nsid);
        }
        if (current[nsid - 1] != null) throw new IllegalStateException(nqn + " already has NSID " + nsid);
        for (SubsystemNamespace existing : current) {
            if (existing != null && existing.uuid().equals(uuid)) {
                throw new IllegalStateException(nqn + " already exports a namespace with UUID " + uuid);
            }
        }
        SubsystemNamespace added = new SubsystemNamespace(this, nsid, namespace, uuid);
        SubsystemNamespace[] next = current.clone();
        next[nsid - 1] = added;
        namespaces = next;
        added.attach();
        namespaceChanged(added);
        return added;
    }

    /** Stops exporting {@code nsid}; requests in flight finish, new ones fail. */
    public synchronized void removeNamespace(int nsid) {
        SubsystemNamespace[] current = namespaces;
        if (nsid < 1 || nsid > current.length || current[nsid - 1] == null) {
            throw new IllegalArgumentException(nqn + " has no NSID " + nsid);
        }
        SubsystemNamespace gone = current[nsid - 1];
        SubsystemNamespace[] next = current.clone();
        next[nsid - 1] = null;
        namespaces = next;
        gone.detach();
        namespaceChanged(gone);
    }

    /** The namespace exported as {@code nsid}, or {@code null}. */
    public SubsystemNamespace namespace(int nsid) {
        SubsystemNamespace[] current = namespaces;
        return nsid >= 1 && nsid <= current.length ? current[nsid - 1] : null;
    }

    /** The exported namespaces, by ascending NSID. */
    public List<SubsystemNamespace> namespaces() {
        List<SubsystemNamespace> list = new ArrayList<>();
        for (SubsystemNamespace ns : namespaces) if (ns != null) list.add(ns);
        return list;
    }

    void namespaceChanged(SubsystemNamespace namespace) {
        for (Controller controller : controllers.values()) controller.namespaceChanged(namespace.nsid());
    }

    // ------------------------------------------------------------------ controllers

    /** A new controller for {@code hostNqn} (Connect on an admin queue), or {@code null} when every CNTLID is taken. */
    public synchronized Controller createController(String hostNqn, UUID hostId) {
        for (int tries = 0; tries < ConnectData.CNTLID_MAX; tries++) {
            int cntlid = nextCntlid;
            nextCntlid = cntlid == ConnectData.CNTLID_MAX ? 1 : cntlid + 1;
            if (!controllers.containsKey(cntlid)) {
                Controller controller = new Controller(this, cntlid, hostNqn, hostId);
                controllers.put(cntlid, controller);
                return controller;
            }
        }
        return null;
    }

    void controllerGone(Controller controller, long[] statistics) {
        controllers.remove(controller.cntlid(), controller);
        synchronized (retired) {
            for (int i = 0; i < retired.length; i++) retired[i] += statistics[i];
        }
    }

    /**
     * I/O counters over the subsystem's life, ended controllers included: read commands, write
     * commands, bytes read, bytes written (the SMART / Health log reports these).
     */
    public long[] ioStatistics() {
        long[] totals;
        synchronized (retired) {
            totals = retired.clone();
        }
        for (Controller controller : controllers.values()) {
            long[] live = controller.ioStatistics();
            for (int i = 0; i < totals.length; i++) totals[i] += live[i];
        }
        return totals;
    }

    public Controller controller(int cntlid) {
        return controllers.get(cntlid);
    }

    public List<Controller> controllers() {
        return List.copyOf(controllers.values());
    }

    /** Disconnects every controller and stops exporting every namespace. */
    synchronized void remove() {
        removed = true;
        for (Controller controller : controllers.values()) controller.fail("subsystem " + nqn + " was removed");
        SubsystemNamespace[] current = namespaces;
        namespaces = new SubsystemNamespace[maxNamespaces];
        for (SubsystemNamespace ns : current) if (ns != null) ns.detach();
    }

    @Override
    public String toString() {
        return "Subsystem[" + nqn + ", " + type + "]";
    }
}
