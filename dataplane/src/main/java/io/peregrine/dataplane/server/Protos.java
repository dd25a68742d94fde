package io.peregrine.dataplane.server;

import com.google.protobuf.Timestamp;
import io.peregrine.dataplane.api.v1.ConnectedHost;
import io.peregrine.dataplane.api.v1.Export;
import io.peregrine.dataplane.api.v1.Pool;
import io.peregrine.dataplane.api.v1.Provisioning;
import io.peregrine.dataplane.api.v1.TransportAddress;
import io.peregrine.dataplane.api.v1.Volume;
import io.peregrine.dataplane.blob.format.SuperBlock;
import io.peregrine.dataplane.export.Exports;
import io.peregrine.dataplane.lvol.PoolInfo;
import io.peregrine.dataplane.node.EngineCalls;
import io.peregrine.dataplane.node.Node;
import io.peregrine.dataplane.node.PoolEntry;
import io.peregrine.dataplane.node.Volumes;
import io.peregrine.nvmf.core.Controller;
import io.peregrine.nvmf.core.Port;
import io.peregrine.nvmf.core.QueuePair;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Engine and target objects as the management API's messages. */
final class Protos {
    private Protos() {}

    static Pool pool(PoolEntry p) {
        Pool.Builder b = Pool.newBuilder()
                .setName(p.name())
                .setDiskUri(p.uri())
                .setState(
                        switch (p.state()) {
                            case ONLINE -> Pool.State.ONLINE;
                            case DEGRADED -> Pool.State.DEGRADED;
                            case ERROR -> Pool.State.ERROR;
                        })
                .setMessage(p.message());
        if (p.loaded()) {
            PoolInfo info = EngineCalls.await(p.store().info());
            b.setUuid(info.uuid().toString())
                    .setCapacityBytes(info.totalBytes())
                    .setUsedBytes(info.allocatedBytes())
                    .setFreeBytes(info.freeBytes())
                    .setClusterSizeBytes(info.clusterSize())
                    .setVolumeCount(info.volumes())
                    .setSnapshotCount(info.snapshots())
                    .setFormatVersion(SuperBlock.VERSION);
        }
        return b.build();
    }

    static Volume volume(Volumes.Located l, Exports exports) {
        io.peregrine.dataplane.lvol.Volume v = l.volume();
        Volume.Builder b = Volume.newBuilder()
                .setUuid(v.uuid().toString())
                .setName(v.name())
                .setPool(l.pool().name())
                .setKind(
                        switch (v.kind()) {
                            case VOLUME -> Volume.Kind.VOLUME;
                            case SNAPSHOT -> Volume.Kind.SNAPSHOT;
                            case CLONE -> Volume.Kind.CLONE;
                        })
                .setSizeBytes(v.sizeBytes())
                .setAllocatedBytes(v.allocatedBytes())
                .setProvisioning(v.thin() ? Provisioning.THIN : Provisioning.THICK)
                .setReadOnly(v.snapshot())
                .putAllXattrs(v.attributes())
                .setCreatedAt(timestamp(Instant.ofEpochMilli(v.createdMillis())));
        if (v.origin() != null) {
            b.setParentUuid(v.origin().toString());
        }
        Exports.Export e = exports.get(v.uuid());
        if (e != null) {
            b.setSubsystemNqn(e.nqn());
        }
        return b.build();
    }

    static Export export(Exports.Export e, List<TransportAddress> listeners) {
        String hex = e.volume().toString().replace("-", "").toLowerCase(Locale.ROOT);
        Export.Builder b = Export.newBuilder()
                .setVolumeUuid(e.volume().toString())
                .setSubsystemNqn(e.nqn())
                .setNamespaceId(1)
                .setNamespaceNguid(hex)
                .setNamespaceUuid(e.volume().toString())
                .addAllAllowedHostNqns(e.record().sortedHosts())
                .setAllowAnyHost(e.record().allowAnyHost())
                .addAllListeners(listeners);
        List<Controller> controllers = new ArrayList<>(e.subsystem().controllers());
        controllers.sort((x, y) -> Integer.compare(x.cntlid(), y.cntlid()));
        for (Controller c : controllers) {
            if (c.state() != Controller.State.LIVE) {
                continue;
            }
            List<QueuePair> queues = c.queues();
            ConnectedHost.Builder h = ConnectedHost.newBuilder()
                    .setHostNqn(c.hostNqn())
                    .setControllerId(c.cntlid())
                    .setIoQueues((int) queues.stream().filter(q -> q.qid() > 0).count());
            for (QueuePair q : queues) {
                if (q.qid() == 0 && q.transport().remoteAddress() instanceof InetSocketAddress peer) {
                    h.setPeer(address(peer.getAddress(), peer.getPort()));
                }
            }
            b.addConnectedHosts(h);
        }
        return b.build();
    }

    /**
     * Where hosts reach the target: the advertised address, the listening one, or -- for a
     * wildcard listener -- every address of this machine's interfaces that are up (loopback last).
     */
    static List<TransportAddress> listeners(Node node) {
        List<TransportAddress> out = new ArrayList<>();
        for (Port port : node.target().ports()) {
            InetAddress bound = node.config().targetListen().getAddress();
            if (node.advertisedAddress().isPresent() || bound == null || !bound.isAnyLocalAddress()) {
                out.add(TransportAddress.newBuilder()
                        .setTrtype("tcp")
                        .setAdrfam(port.address().indexOf(':') >= 0 ? "ipv6" : "ipv4")
                        .setTraddr(port.address())
                        .setTrsvcid(Integer.toString(port.port()))
                        .build());
                continue;
            }
            List<TransportAddress> loopback = new ArrayList<>();
            for (InetAddress a : interfaceAddresses(bound instanceof Inet6Address)) {
                (a.isLoopbackAddress() ? loopback : out).add(address(a, port.port()));
            }
            out.addAll(loopback);
        }
        return out;
    }

    private static List<InetAddress> interfaceAddresses(boolean v6) {
        List<InetAddress> out = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a.isLinkLocalAddress()) {
                        continue;
                    }
                    if (v6 || !(a instanceof Inet6Address)) {
                        out.add(a);
                    }
                }
            }
        } catch (SocketException e) {
            // no interfaces to list: the caller reports what it has
        }
        return out;
    }

    static TransportAddress address(InetAddress a, int port) {
        String host = a.getHostAddress();
        int scope = host.indexOf('%');
        if (scope >= 0) {
            host = host.substring(0, scope);
        }
        return TransportAddress.newBuilder()
                .setTrtype("tcp")
                .setAdrfam(a instanceof Inet6Address ? "ipv6" : "ipv4")
                .setTraddr(host)
                .setTrsvcid(Integer.toString(port))
                .build();
    }

    static String describe(SocketAddress a) {
        return a == null ? "" : a.toString();
    }

    static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder()
                .setSeconds(t.getEpochSecond())
                .setNanos(t.getNano())
                .build();
    }
}
