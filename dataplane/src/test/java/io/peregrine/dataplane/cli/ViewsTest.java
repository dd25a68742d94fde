package io.peregrine.dataplane.cli;

import static io.peregrine.dataplane.cli.Fixtures.CLONE;
import static io.peregrine.dataplane.cli.Fixtures.EXPORT;
import static io.peregrine.dataplane.cli.Fixtures.SNAPSHOT;
import static io.peregrine.dataplane.cli.Fixtures.THICK;
import static io.peregrine.dataplane.cli.Fixtures.VOLUME;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.peregrine.dataplane.api.v1.CheckPoolResponse;
import io.peregrine.dataplane.api.v1.CheckProblem;
import io.peregrine.dataplane.api.v1.DmaMemory;
import io.peregrine.dataplane.api.v1.Health;
import io.peregrine.dataplane.api.v1.HealthCheck;
import io.peregrine.dataplane.api.v1.VolumeStats;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Golden outputs of every table and description the commands print. */
class ViewsTest {

    @Test
    void volumeTableNamesParentsItKnows() {
        assertEquals("""
                NAME                UUID                                   KIND         SIZE   ALLOCATED   PROVISIONING   PARENT                                 EXPORTED
                fast/db             aa000000-0000-4000-8000-000000000002   volume      1 TiB       1 TiB   thick          -                                      no
                tank/pvc-1          2b1f6c1e-8a54-4c1b-9d0e-5f0a8c3e7d21   volume     10 GiB      12 MiB   thin           -                                      yes
                tank/pvc-1-monday   9c0a7a43-1b8e-4d57-8f0b-3f6c6a1d2e90   snapshot   10 GiB       8 MiB   thin           tank/pvc-1                             no
                tank/pvc-2          d4e5f6a7-0000-4000-8000-000000000001   clone      20 GiB         0 B   thin           9c0a7a43-1b8e-4d57-8f0b-3f6c6a1d2e90   no
                """, VolumeViews.table(List.of(VOLUME, SNAPSHOT, CLONE, THICK), Map.of(VOLUME.getUuid(), VOLUME)));
        assertEquals(
                VolumeViews.table(List.of(VOLUME, SNAPSHOT, CLONE, THICK), Map.of()),
                VolumeViews.table(List.of(THICK, CLONE, VOLUME, SNAPSHOT), Map.of()),
                "the daemon's order does not show");
    }

    @Test
    void volumeDetails() {
        assertEquals("""
                Name:          tank/pvc-1-monday
                UUID:          9c0a7a43-1b8e-4d57-8f0b-3f6c6a1d2e90
                Kind:          snapshot
                Size:          10 GiB (10737418240 bytes)
                Allocated:     8 MiB (8388608 bytes)
                Provisioning:  thin
                Read-only:     yes
                Parent:        tank/pvc-1
                Created:       2026-11-20T10:11:40Z
                Exported:      no (./peregrine export add tank/pvc-1-monday --host NQN)
                Attributes:    -
                """, VolumeViews.details(SNAPSHOT, Map.of(VOLUME.getUuid(), VOLUME)));
        assertEquals("""
                Name:          tank/pvc-1
                UUID:          2b1f6c1e-8a54-4c1b-9d0e-5f0a8c3e7d21
                Kind:          volume
                Size:          10 GiB (10737418240 bytes)
                Allocated:     12 MiB (12582912 bytes)
                Provisioning:  thin
                Read-only:     no
                Parent:        -
                Created:       2026-11-20T10:11:12Z
                Exported:      nqn.2026-11.io.peregrine:vol:2b1f6c1e-8a54-4c1b-9d0e-5f0a8c3e7d21
                Attributes:    csi.storage.k8s.io/pvc/name=data
                               team=payments
                """, VolumeViews.details(VOLUME, Map.of()));
    }

    @Test
    void volumeStatsWorkOutMeanLatencies() {
        VolumeStats s = VolumeStats.newBuilder()
                .setUuid(VOLUME.getUuid())
                .setReadOps(2000)
                .setReadBytes(8L << 20)
                .setReadLatencyNanos(2000L * 90_000)
                .setWriteOps(0)
                .setFlushOps(3)
                .setUnmapOps(1)
                .setErrors(2)
                .build();
        assertEquals("""
                I/O on tank/pvc-1 (2b1f6c1e-8a54-4c1b-9d0e-5f0a8c3e7d21) since it was loaded; errors: 2

                                OPS   BYTES   MEAN LATENCY
                read           2000   8 MiB           90us
                write             0     0 B              -
                flush             3       -              -
                unmap             1       -              -
                write zeroes      0       -              -
                """, VolumeViews.stats(VOLUME, s));
    }

    @Test
    void poolTableAndDetails() {
        assertEquals("""
                NAME   STATE      DISK                                 CAPACITY      USED       FREE   USE%   CLUSTER   VOLUMES   SNAPSHOTS
                fast   degraded   pcie://0000:00:05.0                     1 TiB   768 GiB    512 GiB    75%     1 MiB         1           0
                tank   online     file:///var/lib/peregrine/tank.img     20 GiB    20 MiB   20.0 GiB   0.1%     4 MiB         2           1
                """, PoolViews.table(List.of(Fixtures.POOL, Fixtures.DEGRADED)));
        assertEquals("""
                Name:            fast
                UUID:            7f3e9d10-2c4b-4e8a-9b1d-0a2c4e6f8a10
                Disk:            pcie://0000:00:05.0
                State:           degraded: 2 media errors on pcie://0000:00:05.0
                Capacity:        1 TiB (1099511627776 bytes)
                Used:            768 GiB (824633720832 bytes), 75%
                Free:            512 GiB (549755813888 bytes)
                Cluster size:    1 MiB (1048576 bytes)
                Volumes:         1
                Snapshots:       0
                Format version:  1
                """, PoolViews.details(Fixtures.DEGRADED));
    }

    @Test
    void poolCheckReport() {
        CheckPoolResponse r = CheckPoolResponse.newBuilder()
                .setClean(false)
                .setClustersTotal(5120)
                .setClustersUsed(5)
                .addProblems(CheckProblem.newBuilder()
                        .setSeverity(CheckProblem.Severity.WARNING)
                        .setMessage("1 leaked cluster, reclaimed on import"))
                .addProblems(CheckProblem.newBuilder()
                        .setSeverity(CheckProblem.Severity.ERROR)
                        .setMessage("cluster 7 is owned by pvc-1 and pvc-2"))
                .build();
        assertEquals("""
                pool tank
                  5120 clusters, 5 used, 0 leaked
                  note: 1 leaked cluster, reclaimed on import
                  PROBLEM: cluster 7 is owned by pvc-1 and pvc-2
                1 problem(s) found
                """, PoolViews.check("pool tank", r));
    }

    @Test
    void exportDetailsEndWithTheLinesToPaste() {
        assertEquals("""
                Volume:         tank/pvc-1 (2b1f6c1e-8a54-4c1b-9d0e-5f0a8c3e7d21)
                Subsystem NQN:  nqn.2026-11.io.peregrine:vol:2b1f6c1e-8a54-4c1b-9d0e-5f0a8c3e7d21
                Namespace:      1 (NGUID 2b1f6c1e8a544c1b9d0e5f0a8c3e7d21, UUID 2b1f6c1e-8a54-4c1b-9d0e-5f0a8c3e7d21)
                Listeners:      tcp:127.0.0.1:4420
                Allowed hosts:  nqn.2014-08.org.nvmexpress:uuid:5b0b0e2a-3f59-4c36-9d3e-1f1a3c2b4d5e
                Connected:      nqn.2014-08.org.nvmexpress:uuid:5b0b0e2a-3f59-4c36-9d3e-1f1a3c2b4d5e (controller 1, 2 I/O queues, from tcp:127.0.0.1:53422)

                Attach it from a Linux machine with nvme-cli (modprobe nvme-tcp first):
                  nvme connect -t tcp -a 127.0.0.1 -s 4420 -n nqn.2026-11.io.peregrine:vol:2b1f6c1e-8a54-4c1b-9d0e-5f0a8c3e7d21 --hostnqn nqn.2014-08.org.nvmexpress:uuid:5b0b0e2a-3f59-4c36-9d3e-1f1a3c2b4d5e
                Write and read it back, verified, with Peregrine's own initiator:
                  ./peregrine perf -r 'trtype:tcp traddr:127.0.0.1 trsvcid:4420 subnqn:nqn.2026-11.io.peregrine:vol:2b1f6c1e-8a54-4c1b-9d0e-5f0a8c3e7d21 hostnqn:nqn.2014-08.org.nvmexpress:uuid:5b0b0e2a-3f59-4c36-9d3e-1f1a3c2b4d5e' -q 16 -o 4096 -w randrw -t 10 --verify
                """, ExportViews.details(EXPORT, VOLUME, Optional.empty(), Optional.empty()));
        assertEquals("""
                VOLUME       SUBSYSTEM NQN                                                       NSID   HOSTS                                                                  CONNECTED   LISTENERS
                tank/pvc-1   nqn.2026-11.io.peregrine:vol:2b1f6c1e-8a54-4c1b-9d0e-5f0a8c3e7d21      1   nqn.2014-08.org.nvmexpress:uuid:5b0b0e2a-3f59-4c36-9d3e-1f1a3c2b4d5e           1   tcp:127.0.0.1:4420
                """, ExportViews.table(List.of(EXPORT), Map.of(VOLUME.getUuid(), VOLUME)));
    }

    @Test
    void nodeStatus() {
        Health health = Health.newBuilder()
                .setStatus(Health.Status.DEGRADED)
                .addChecks(HealthCheck.newBuilder().setName("target").setOk(true))
                .addChecks(HealthCheck.newBuilder()
                        .setName("pool:fast")
                        .setOk(false)
                        .setMessage("2 media errors"))
                .build();
        assertEquals("""
                Node:        laptop
                Version:     0.1.0
                Health:      degraded
                Checks:      ok    target
                             FAIL  pool:fast: 2 media errors
                Host NQN:    nqn.2014-08.org.nvmexpress:uuid:5b0b0e2a-3f59-4c36-9d3e-1f1a3c2b4d5e
                Listeners:   tcp:127.0.0.1:4420
                Started:     2026-11-18T11:06:40Z
                DMA memory:  2 MiB hugepages, 12 of 64 free; buffer pool 64 MiB, 40 MiB in use

                REACTOR   CORE   STATE      BUSY    IDLE   BUSY%
                      0      0   parked     1.3s   1h00m    0.0%
                      1    any   polling   45.0s   15.0s     75%

                DEVICE                               KIND   MODEL            SERIAL       SIZE   BLOCK   POOL   TEMP   WEAR   MEDIA ERRORS   WARNINGS
                pcie://0000:00:05.0                  nvme   QEMU NVMe Ctrl   deadbeef    1 GiB     512   fast    35C     3%              0   spare-low,reliability-degraded
                file:///var/lib/peregrine/disk.img   file   -                -          10 GiB    4096   -         -      -              -   -
                """, NodeViews.status(FakeDataplane.nodeInfo(), health));
    }

    @Test
    void smallPagesAndWarningsAreSpelledOut() {
        assertEquals(
                "4 KiB pages: no hugepages were available, so DMA memory is slower to map and the IOMMU needs more"
                        + " entries\n(reserve some: echo 512 | sudo tee /proc/sys/vm/nr_hugepages); buffer pool 8 MiB,"
                        + " 0 B in use",
                NodeViews.memory(DmaMemory.newBuilder()
                        .setFallbackSmallPages(true)
                        .setPoolBytes(8L << 20)
                        .build()));
        assertEquals("none", NodeViews.criticalWarning(0));
        assertEquals("temperature,read-only,0xc0", NodeViews.criticalWarning(0xca));
    }
}
