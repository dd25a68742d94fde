package io.peregrine.operator.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Quantity;
import io.grpc.Status;
import io.peregrine.dataplane.api.v1.CreatePoolRequest;
import io.peregrine.dataplane.api.v1.CreateVolumeRequest;
import io.peregrine.dataplane.api.v1.DeleteVolumeRequest;
import io.peregrine.dataplane.api.v1.DestroyPoolRequest;
import io.peregrine.dataplane.api.v1.ExportPoolRequest;
import io.peregrine.dataplane.api.v1.ImportPoolRequest;
import io.peregrine.dataplane.api.v1.PoolServiceGrpc;
import io.peregrine.dataplane.api.v1.Volume;
import io.peregrine.dataplane.api.v1.VolumeServiceGrpc;
import io.peregrine.operator.Operator;
import io.peregrine.operator.crd.Condition;
import io.peregrine.operator.crd.Crds;
import io.peregrine.operator.crd.DeletionPolicy;
import io.peregrine.operator.crd.DiskPool;
import io.peregrine.operator.crd.DiskPoolPhase;
import io.peregrine.operator.crd.DiskPoolSpec;
import io.peregrine.operator.crd.DiskPoolStatus;
import io.peregrine.operator.model.ConditionTypes;
import io.peregrine.operator.model.Reasons;
import io.peregrine.operator.testing.Await;
import io.peregrine.operator.testing.Dataplanes;
import io.peregrine.operator.testing.OperatorHarness;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A DiskPool's life against the mock API server and a dataplane: create, report, refuse, delete. */
class DiskPoolLifecycleMockTest {

    private OperatorHarness h;
    private Dataplanes.Node node;
    private Operator operator;

    @BeforeEach
    void start() {
        h = new OperatorHarness();
        node = h.addNode("node-a", 2);
        operator = h.startOperator("operator-0");
        Await.until(
                "node-a Online",
                () -> h.storageNode("node-a") != null
                        && h.storageNode("node-a").getStatus() != null
                        && "Online"
                                .equals(String.valueOf(
                                        h.storageNode("node-a").getStatus().state())),
                () -> h.storageNode("node-a"));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private void awaitPhase(String pool, DiskPoolPhase phase) {
        Await.until(
                pool + " " + phase,
                () -> h.pool(pool) != null
                        && h.pool(pool).getStatus() != null
                        && h.pool(pool).getStatus().phase() == phase,
                () -> h.pool(pool));
    }

    @Test
    void createsThePoolOnItsNodeAndReportsItOnline() {
        String disk = node.disks().getFirst();
        h.createPool("fast", "node-a", disk);
        awaitPhase("fast", DiskPoolPhase.Online);

        DiskPool pool = h.pool("fast");
        DiskPoolStatus s = pool.getStatus();
        assertEquals("node-a", s.node());
        assertEquals(disk, s.disk());
        assertNotNull(s.uuid());
        assertEquals(4L << 20, s.clusterSizeBytes());
        assertEquals(1020L << 20, s.capacityBytes());
        assertEquals("1020Mi", s.capacity());
        assertEquals(0, s.volumeCount());
        assertEquals(pool.getMetadata().getGeneration(), s.observedGeneration());
        Condition ready = h.poolCondition("fast", ConditionTypes.READY).orElseThrow();
        assertEquals("True", ready.status());
        assertEquals(Reasons.POOL_ONLINE, ready.reason());
        assertEquals(
                Reasons.SPEC_APPLIED,
                h.poolCondition("fast", ConditionTypes.SPEC_APPLIED)
                        .orElseThrow()
                        .reason());
        assertTrue(pool.hasFinalizer(Crds.POOL_FINALIZER));
        assertEquals("fast", node.poolOn(disk));
        Await.until("events", () -> h.eventReasons("fast").contains(Reasons.POOL_ONLINE), () -> h.eventReasons("fast"));
        assertTrue(
                h.eventReasons("fast").contains(Reasons.POOL_CREATED),
                h.eventReasons("fast").toString());
    }

    @Test
    void deletionWaitsUntilThePoolHoldsNoVolumes() {
        h.createPool("fast", "node-a", node.disks().getFirst());
        awaitPhase("fast", DiskPoolPhase.Online);
        var volumes = VolumeServiceGrpc.newBlockingStub(node.channel());
        Volume v = volumes.createVolume(CreateVolumeRequest.newBuilder()
                .setPool("fast")
                .setName("pvc-1")
                .setSizeBytes(64L << 20)
                .build());

        h.kubectl().resources(DiskPool.class).withName("fast").delete();
        Await.until(
                "deletion blocked",
                () -> h.poolCondition("fast", ConditionTypes.DELETION_BLOCKED)
                        .map(c -> Reasons.POOL_HAS_VOLUMES.equals(c.reason()))
                        .orElse(false),
                () -> h.pool("fast"));
        assertNotNull(h.pool("fast").getMetadata().getDeletionTimestamp());
        assertEquals("fast", node.poolOn(node.disks().getFirst()));
        assertTrue(h.poolCondition("fast", ConditionTypes.DELETION_BLOCKED)
                .orElseThrow()
                .message()
                .contains("1 volume"));

        volumes.deleteVolume(
                DeleteVolumeRequest.newBuilder().setUuid(v.getUuid()).build());
        Await.until("DiskPool gone", () -> h.pool("fast") == null, () -> h.pool("fast"));
        assertNull(node.poolOn(node.disks().getFirst()), "pool destroyed");
        assertTrue(
                h.eventReasons("fast").contains(Reasons.POOL_DESTROYED),
                h.eventReasons("fast").toString());
    }

    @Test
    void importsThePoolADiskAlreadyHolds() {
        String disk = node.disks().get(1);
        var pools = PoolServiceGrpc.newBlockingStub(node.channel());
        pools.createPool(CreatePoolRequest.newBuilder()
                .setName("legacy")
                .setDiskUri(disk)
                .build());
        VolumeServiceGrpc.newBlockingStub(node.channel())
                .createVolume(CreateVolumeRequest.newBuilder()
                        .setPool("legacy")
                        .setName("old-data")
                        .setSizeBytes(1L << 20)
                        .build());
        pools.exportPool(ExportPoolRequest.newBuilder().setName("legacy").build());

        h.createPool("legacy", "node-a", disk);
        awaitPhase("legacy", DiskPoolPhase.Online);
        assertEquals(1, h.pool("legacy").getStatus().volumeCount(), "its volumes came with it");
        assertTrue(
                h.eventReasons("legacy").contains(Reasons.POOL_IMPORTED),
                h.eventReasons("legacy").toString());
        assertEquals(0, operator.metrics().dataplaneCallCount("CreatePool", "OK"));
    }

    @Test
    void aDiskHoldingAnotherPoolIsNotTouched() {
        String disk = node.disks().get(1);
        PoolServiceGrpc.newBlockingStub(node.channel())
                .createPool(CreatePoolRequest.newBuilder()
                        .setName("someone-else")
                        .setDiskUri(disk)
                        .build());
        h.createPool("mine", "node-a", disk);
        Await.until("DiskInUse", () -> Reasons.DISK_IN_USE.equals(h.readyReason("mine")), () -> h.pool("mine"));
        Condition ready = h.poolCondition("mine", ConditionTypes.READY).orElseThrow();
        assertTrue(ready.message().contains("someone-else"), ready.message());
        assertEquals("someone-else", node.poolOn(disk));
    }

    @Test
    void aNameTakenOnAnotherDiskIsAConflict() {
        PoolServiceGrpc.newBlockingStub(node.channel())
                .createPool(CreatePoolRequest.newBuilder()
                        .setName("dup")
                        .setDiskUri(node.disks().get(1))
                        .build());
        h.createPool("dup", "node-a", node.disks().get(0));
        Await.until(
                "PoolNameConflict", () -> Reasons.POOL_NAME_CONFLICT.equals(h.readyReason("dup")), () -> h.pool("dup"));
        assertNull(node.poolOn(node.disks().get(0)));
    }

    @Test
    void exportPolicyKeepsTheStoreOnTheDisk() {
        String disk = node.disks().getFirst();
        h.createPool("keep", "node-a", disk, null, DeletionPolicy.Export);
        awaitPhase("keep", DiskPoolPhase.Online);
        h.kubectl().resources(DiskPool.class).withName("keep").delete();
        Await.until("DiskPool gone", () -> h.pool("keep") == null, () -> h.pool("keep"));
        assertTrue(node.loadedPools().isEmpty(), "unloaded");
        assertEquals("keep", node.poolOn(disk), "but still on the disk");
        assertTrue(h.eventReasons("keep").contains(Reasons.POOL_EXPORTED));
        PoolServiceGrpc.newBlockingStub(node.channel())
                .importPool(ImportPoolRequest.newBuilder().setDiskUri(disk).build());
    }

    @Test
    void editsThatCannotBeAppliedAreRefusedInStatus() {
        h.createPool("fixed", "node-a", node.disks().getFirst());
        awaitPhase("fixed", DiskPoolPhase.Online);
        DiskPool p = h.pool("fixed");
        p.setSpec(new DiskPoolSpec("node-a", List.of(node.disks().get(1)), new Quantity("8Mi"), null));
        h.kubectl().resource(p).update();

        Await.until(
                "SpecApplied False",
                () -> h.poolCondition("fixed", ConditionTypes.SPEC_APPLIED)
                        .map(c -> c.status().equals("False"))
                        .orElse(false),
                () -> h.pool("fixed"));
        Condition applied =
                h.poolCondition("fixed", ConditionTypes.SPEC_APPLIED).orElseThrow();
        assertEquals(Reasons.IMMUTABLE_FIELD_CHANGED, applied.reason());
        assertTrue(applied.message().contains("spec.disks changed"), applied.message());
        assertTrue(applied.message().contains("spec.clusterSize"), applied.message());
        assertEquals(h.pool("fixed").getMetadata().getGeneration(), applied.observedGeneration());
        assertEquals(DiskPoolPhase.Online, h.pool("fixed").getStatus().phase(), "still serving as it was");
        assertEquals(node.disks().getFirst(), h.pool("fixed").getStatus().disk());
        assertNull(node.poolOn(node.disks().get(1)), "nothing moved");
        Await.until(
                "a warning event",
                () -> h.eventReasons("fixed").contains(Reasons.IMMUTABLE_FIELD_CHANGED),
                () -> h.eventReasons("fixed"));

        p = h.pool("fixed");
        p.setSpec(new DiskPoolSpec("node-a", List.of(node.disks().getFirst()), null, null));
        h.kubectl().resource(p).update();
        Await.until(
                "SpecApplied True",
                () -> h.poolCondition("fixed", ConditionTypes.SPEC_APPLIED)
                        .map(Condition::isTrue)
                        .orElse(false),
                () -> h.pool("fixed"));
    }

    @Test
    void statusIsWrittenOnlyWhenSomethingChanged() throws InterruptedException {
        h.createPool("quiet", "node-a", node.disks().getFirst());
        awaitPhase("quiet", DiskPoolPhase.Online);
        Thread.sleep(300);
        String version = h.pool("quiet").getMetadata().getResourceVersion();
        double refreshes = operator.metrics().dataplaneCallCount("GetPool", "OK");
        Thread.sleep(2000); // four refresh periods
        assertTrue(operator.metrics().dataplaneCallCount("GetPool", "OK") >= refreshes + 2, "it did refresh");
        assertEquals(version, h.pool("quiet").getMetadata().getResourceVersion(), "and wrote nothing");

        VolumeServiceGrpc.newBlockingStub(node.channel())
                .createVolume(CreateVolumeRequest.newBuilder()
                        .setPool("quiet")
                        .setName("v")
                        .setSizeBytes(1L << 20)
                        .build());
        Await.until("volume count 1", () -> h.pool("quiet").getStatus().volumeCount() == 1, () -> h.pool("quiet"));
        assertEquals("4Mi", h.pool("quiet").getStatus().used());
    }

    @Test
    void aDataplaneThatFailsIsRetriedWithBackoff() {
        node.testDouble()
                .orElseThrow()
                .failNextPoolCalls(Status.UNAVAILABLE, Status.UNAVAILABLE, Status.DEADLINE_EXCEEDED);
        h.createPool("flaky", "node-a", node.disks().getFirst());
        awaitPhase("flaky", DiskPoolPhase.Online);
        assertEquals(2, operator.metrics().dataplaneCallCount("GetPool", "UNAVAILABLE"));
        assertEquals(1, operator.metrics().dataplaneCallCount("GetPool", "DEADLINE_EXCEEDED"));
        assertTrue(operator.metrics()
                        .reconcileCount("DiskPool", io.peregrine.operator.observe.OperatorMetrics.Outcome.ERROR)
                >= 3);
        assertTrue(
                h.eventReasons("flaky").contains(Reasons.DATAPLANE_UNAVAILABLE),
                h.eventReasons("flaky").toString());
    }

    @Test
    void aRestartedDataplaneGetsItsPoolImportedAgain() {
        h.createPool("durable", "node-a", node.disks().getFirst());
        awaitPhase("durable", DiskPoolPhase.Online);
        node.stop(); // the daemon restarts; the double does not import its pools on start
        node.start();
        Await.until(
                "imported again",
                () -> h.eventReasons("durable").contains(Reasons.POOL_IMPORTED),
                () -> h.eventReasons("durable"));
        awaitPhase("durable", DiskPoolPhase.Online);
        assertEquals(List.of("durable"), node.loadedPools());
    }

    @Test
    void aPoolTheDataplaneLostIsNeverCreatedAgain() {
        h.createPool("lost", "node-a", node.disks().getFirst());
        awaitPhase("lost", DiskPoolPhase.Online);
        PoolServiceGrpc.newBlockingStub(node.channel())
                .destroyPool(DestroyPoolRequest.newBuilder()
                        .setName("lost")
                        .setForce(true)
                        .build());
        Await.until("PoolGone", () -> Reasons.POOL_GONE.equals(h.readyReason("lost")), () -> h.pool("lost"));
        assertEquals(DiskPoolPhase.Error, h.pool("lost").getStatus().phase());
        assertEquals(1, operator.metrics().dataplaneCallCount("CreatePool", "OK"), "created once, never again");
        assertNull(node.poolOn(node.disks().getFirst()));
    }
}
