package io.peregrine.dataplane.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.dataplane.api.v1.CheckPoolRequest;
import io.peregrine.dataplane.api.v1.CreateCloneRequest;
import io.peregrine.dataplane.api.v1.CreatePoolRequest;
import io.peregrine.dataplane.api.v1.CreateSnapshotRequest;
import io.peregrine.dataplane.api.v1.CreateVolumeRequest;
import io.peregrine.dataplane.api.v1.Export;
import io.peregrine.dataplane.api.v1.ExportServiceGrpc;
import io.peregrine.dataplane.api.v1.ListExportsRequest;
import io.peregrine.dataplane.api.v1.ListPoolsRequest;
import io.peregrine.dataplane.api.v1.ListVolumesRequest;
import io.peregrine.dataplane.api.v1.Pool;
import io.peregrine.dataplane.api.v1.PoolServiceGrpc;
import io.peregrine.dataplane.api.v1.PublishVolumeRequest;
import io.peregrine.dataplane.api.v1.Volume;
import io.peregrine.dataplane.api.v1.VolumeServiceGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon stopped and started again on the same data directory brings back every pool, volume,
 * snapshot, clone and export with its allowed hosts -- and the data written through the target.
 */
class RestartTest {
    @TempDir
    Path dir;

    private record State(List<Pool> pools, List<Volume> volumes, List<Export> exports) {}

    private static State state(TestDaemons.Client client) {
        List<Pool> pools = PoolServiceGrpc.newBlockingStub(client.channel)
                .listPools(ListPoolsRequest.getDefaultInstance())
                .getPoolsList();
        List<Volume> volumes = VolumeServiceGrpc.newBlockingStub(client.channel)
                .listVolumes(ListVolumesRequest.getDefaultInstance())
                .getVolumesList();
        List<Export> exports = ExportServiceGrpc.newBlockingStub(client.channel)
                .listExports(ListExportsRequest.getDefaultInstance())
                .getExportsList()
                .stream()
                .map(e -> e.toBuilder().clearListeners().clearConnectedHosts().build())
                .toList();
        return new State(pools, volumes, exports);
    }

    @Test
    void everythingComesBack() {
        byte[] data = new byte[64 * 1024];
        new Random(42).nextBytes(data);
        State before;
        Volume clone;
        try (Daemon daemon = Daemon.start(TestDaemons.config(dir));
                TestDaemons.Client client =
                        new TestDaemons.Client(daemon.management().socket())) {
            PoolServiceGrpc.newBlockingStub(client.channel)
                    .createPool(CreatePoolRequest.newBuilder()
                            .setName("r")
                            .setDiskUri("file://" + dir.resolve("r.img") + "?size=128M")
                            .build());
            var volumes = VolumeServiceGrpc.newBlockingStub(client.channel);
            var exports = ExportServiceGrpc.newBlockingStub(client.channel);
            Volume v = volumes.createVolume(CreateVolumeRequest.newBuilder()
                    .setPool("r")
                    .setName("base")
                    .setSizeBytes(16L << 20)
                    .putXattrs("csi.storage.k8s.io/pvc/name", "data-0")
                    .build());
            Export e = exports.publishVolume(PublishVolumeRequest.newBuilder()
                    .setVolumeUuid(v.getUuid())
                    .addAllowedHostNqns(TestDaemons.HOST_A)
                    .build());
            try (HostIo host = new HostIo(daemon.targetAddress(), e.getSubsystemNqn(), TestDaemons.HOST_A)) {
                assertEquals(0, host.write(0, data));
                assertEquals(0, host.flush());
            }
            Volume snap = volumes.createSnapshot(CreateSnapshotRequest.newBuilder()
                    .setSourceUuid(v.getUuid())
                    .setName("base-snap")
                    .build());
            clone = volumes.createClone(CreateCloneRequest.newBuilder()
                    .setSnapshotUuid(snap.getUuid())
                    .setName("base-clone")
                    .build());
            exports.publishVolume(PublishVolumeRequest.newBuilder()
                    .setVolumeUuid(clone.getUuid())
                    .addAllowedHostNqns(TestDaemons.HOST_A)
                    .addAllowedHostNqns(TestDaemons.HOST_B)
                    .build());
            before = state(client);
            assertEquals(3, before.volumes().size());
            assertEquals(2, before.exports().size());
        }
        assertTrue(Files.exists(dir.resolve("pools")), "the daemon remembers its pools in the data directory");

        try (Daemon daemon = Daemon.start(TestDaemons.config(dir));
                TestDaemons.Client client =
                        new TestDaemons.Client(daemon.management().socket())) {
            State after = state(client);
            assertEquals(before.volumes(), after.volumes());
            assertEquals(before.exports(), after.exports());
            assertEquals(
                    before.pools().stream()
                            .map(p -> p.toBuilder().clearMessage().build())
                            .toList(),
                    after.pools().stream()
                            .map(p -> p.toBuilder().clearMessage().build())
                            .toList());
            assertTrue(PoolServiceGrpc.newBlockingStub(client.channel)
                    .checkPool(CheckPoolRequest.newBuilder().setName("r").build())
                    .getClean());
            // the clone reads the data written to its origin before the snapshot, through the target
            String nqn = after.exports().stream()
                    .filter(x -> x.getVolumeUuid().equals(clone.getUuid()))
                    .findFirst()
                    .orElseThrow()
                    .getSubsystemNqn();
            try (HostIo host = new HostIo(daemon.targetAddress(), nqn, TestDaemons.HOST_B)) {
                assertArrayEquals(data, host.read(0, data.length / host.blockSize()));
            }
        }
    }
}
