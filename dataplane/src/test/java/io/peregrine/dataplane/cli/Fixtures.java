package io.peregrine.dataplane.cli;

import com.google.protobuf.Timestamp;
import io.peregrine.dataplane.api.v1.ConnectedHost;
import io.peregrine.dataplane.api.v1.Export;
import io.peregrine.dataplane.api.v1.Pool;
import io.peregrine.dataplane.api.v1.Provisioning;
import io.peregrine.dataplane.api.v1.TransportAddress;
import io.peregrine.dataplane.api.v1.Volume;

/** Fixed API objects for golden outputs. */
final class Fixtures {
    static final String HOST = "nqn.2014-08.org.nvmexpress:uuid:5b0b0e2a-3f59-4c36-9d3e-1f1a3c2b4d5e";

    static final Volume VOLUME = Volume.newBuilder()
            .setUuid("2b1f6c1e-8a54-4c1b-9d0e-5f0a8c3e7d21")
            .setName("pvc-1")
            .setPool("tank")
            .setKind(Volume.Kind.VOLUME)
            .setSizeBytes(10L << 30)
            .setAllocatedBytes(12L << 20)
            .setProvisioning(Provisioning.THIN)
            .putXattrs("team", "payments")
            .putXattrs("csi.storage.k8s.io/pvc/name", "data")
            .setCreatedAt(Timestamp.newBuilder().setSeconds(1_795_169_472L))
            .setSubsystemNqn("nqn.2026-11.io.peregrine:vol:2b1f6c1e-8a54-4c1b-9d0e-5f0a8c3e7d21")
            .build();

    static final Volume SNAPSHOT = Volume.newBuilder()
            .setUuid("9c0a7a43-1b8e-4d57-8f0b-3f6c6a1d2e90")
            .setName("pvc-1-monday")
            .setPool("tank")
            .setKind(Volume.Kind.SNAPSHOT)
            .setSizeBytes(10L << 30)
            .setAllocatedBytes(8L << 20)
            .setProvisioning(Provisioning.THIN)
            .setParentUuid(VOLUME.getUuid())
            .setReadOnly(true)
            .setCreatedAt(Timestamp.newBuilder().setSeconds(1_795_169_500L))
            .build();

    static final Volume CLONE = Volume.newBuilder()
            .setUuid("d4e5f6a7-0000-4000-8000-000000000001")
            .setName("pvc-2")
            .setPool("tank")
            .setKind(Volume.Kind.CLONE)
            .setSizeBytes(20L << 30)
            .setProvisioning(Provisioning.THIN)
            .setParentUuid(SNAPSHOT.getUuid())
            .build();

    static final Volume THICK = Volume.newBuilder()
            .setUuid("aa000000-0000-4000-8000-000000000002")
            .setName("db")
            .setPool("fast")
            .setKind(Volume.Kind.VOLUME)
            .setSizeBytes(1L << 40)
            .setAllocatedBytes(1L << 40)
            .setProvisioning(Provisioning.THICK)
            .build();

    static final Pool POOL = Pool.newBuilder()
            .setName("tank")
            .setUuid("0e7c1b52-7e0c-4f43-a3c5-6d0b7f1e2a33")
            .setDiskUri("file:///var/lib/peregrine/tank.img")
            .setState(Pool.State.ONLINE)
            .setCapacityBytes(20L << 30)
            .setUsedBytes(20L << 20)
            .setFreeBytes((20L << 30) - (20L << 20))
            .setClusterSizeBytes(4L << 20)
            .setVolumeCount(2)
            .setSnapshotCount(1)
            .setFormatVersion(1)
            .build();

    static final Pool DEGRADED = Pool.newBuilder()
            .setName("fast")
            .setUuid("7f3e9d10-2c4b-4e8a-9b1d-0a2c4e6f8a10")
            .setDiskUri("pcie://0000:00:05.0")
            .setState(Pool.State.DEGRADED)
            .setMessage("2 media errors on pcie://0000:00:05.0")
            .setCapacityBytes(1L << 40)
            .setUsedBytes(3L << 38)
            .setFreeBytes(1L << 39)
            .setClusterSizeBytes(1L << 20)
            .setVolumeCount(1)
            .setFormatVersion(1)
            .build();

    static final TransportAddress LOOPBACK = TransportAddress.newBuilder()
            .setTrtype("tcp")
            .setAdrfam("ipv4")
            .setTraddr("127.0.0.1")
            .setTrsvcid("4420")
            .build();

    static final Export EXPORT = Export.newBuilder()
            .setVolumeUuid(VOLUME.getUuid())
            .setSubsystemNqn(VOLUME.getSubsystemNqn())
            .setNamespaceId(1)
            .setNamespaceNguid("2b1f6c1e8a544c1b9d0e5f0a8c3e7d21")
            .setNamespaceUuid(VOLUME.getUuid())
            .addAllowedHostNqns(HOST)
            .addListeners(LOOPBACK)
            .addConnectedHosts(ConnectedHost.newBuilder()
                    .setHostNqn(HOST)
                    .setControllerId(1)
                    .setIoQueues(2)
                    .setPeer(TransportAddress.newBuilder()
                            .setTrtype("tcp")
                            .setAdrfam("ipv4")
                            .setTraddr("127.0.0.1")
                            .setTrsvcid("53422")))
            .build();

    private Fixtures() {}
}
