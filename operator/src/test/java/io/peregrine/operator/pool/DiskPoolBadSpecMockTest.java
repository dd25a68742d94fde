package io.peregrine.operator.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Quantity;
import io.peregrine.operator.Operator;
import io.peregrine.operator.crd.Condition;
import io.peregrine.operator.crd.Crds;
import io.peregrine.operator.crd.DiskPool;
import io.peregrine.operator.crd.DiskPoolPhase;
import io.peregrine.operator.crd.DiskPoolSpec;
import io.peregrine.operator.model.ConditionTypes;
import io.peregrine.operator.model.Reasons;
import io.peregrine.operator.testing.Await;
import io.peregrine.operator.testing.Dataplanes;
import io.peregrine.operator.testing.OperatorHarness;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Specs that cannot work: each gets a Ready=False condition with a reason a program can switch
 * on and a message saying what to do, and nothing is created on any dataplane. One cluster for
 * the whole class; every test uses its own pool names.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DiskPoolBadSpecMockTest {

    private OperatorHarness h;
    private Dataplanes.Node nodeA;
    private Operator operator;

    @BeforeAll
    void start() {
        h = new OperatorHarness();
        nodeA = h.addNode("node-a", 4);
        operator = h.startOperator("operator-0");
        Await.until("node-a Online", () -> online("node-a"), () -> h.storageNode("node-a"));
    }

    @AfterAll
    void stop() {
        h.close();
    }

    private boolean online(String node) {
        var n = h.storageNode(node);
        return n != null
                && n.getStatus() != null
                && "Online".equals(String.valueOf(n.getStatus().state()));
    }

    private Condition awaitReady(String pool, String reason) {
        Await.until(pool + " Ready reason " + reason, () -> reason.equals(h.readyReason(pool)), () -> h.pool(pool));
        return h.poolCondition(pool, ConditionTypes.READY).orElseThrow();
    }

    private double createCalls() {
        return operator.metrics().dataplaneCallCount("CreatePool", "OK")
                + operator.metrics().dataplaneCallCount("ImportPool", "OK");
    }

    private void assertNothingCreated(String pool, double callsBefore) {
        assertEquals(callsBefore, createCalls(), "no pool created or imported");
        assertFalse(h.pool(pool).hasFinalizer(Crds.POOL_FINALIZER), "no finalizer: nothing to protect");
        assertFalse(nodeA.loadedPools().contains(pool));
    }

    @Test
    void unknownUriScheme() {
        double before = createCalls();
        h.createPool("bad-scheme", "node-a", "nvme://0000:00:04.0");
        Condition ready = awaitReady("bad-scheme", Reasons.INVALID_SPEC);
        assertEquals("False", ready.status());
        assertEquals(DiskPoolPhase.Error, h.pool("bad-scheme").getStatus().phase());
        assertTrue(ready.message().contains("unknown scheme 'nvme'"), ready.message());
        assertTrue(ready.message().contains("pcie://0000:00:04.0"), "shows a correct example: " + ready.message());
        assertTrue(ready.message().contains("Nothing was created"), ready.message());
        assertNothingCreated("bad-scheme", before);
        Await.until(
                "a warning event",
                () -> h.eventReasons("bad-scheme").contains(Reasons.INVALID_SPEC),
                () -> h.eventReasons("bad-scheme"));
    }

    @Test
    void clusterSizeNotAPowerOfTwo() {
        double before = createCalls();
        h.createPool("bad-cluster", "node-a", nodeA.disks().get(0), "3Mi", null);
        Condition ready = awaitReady("bad-cluster", Reasons.INVALID_SPEC);
        assertTrue(ready.message().contains("not a power of two"), ready.message());
        assertNothingCreated("bad-cluster", before);
    }

    @Test
    void moreThanOneDisk() {
        double before = createCalls();
        h.createPool(
                "two-disks",
                new DiskPoolSpec(
                        "node-a", List.of(nodeA.disks().get(0), nodeA.disks().get(1)), null, null));
        Condition ready = awaitReady("two-disks", Reasons.INVALID_SPEC);
        assertTrue(ready.message().contains("one DiskPool per disk"), ready.message());
        assertNothingCreated("two-disks", before);
    }

    @Test
    void missingNode() {
        double before = createCalls();
        h.createPool("no-node", "node-z", "pcie://0000:01:00.0");
        Condition ready = awaitReady("no-node", Reasons.NODE_NOT_FOUND);
        assertEquals(DiskPoolPhase.Error, h.pool("no-node").getStatus().phase());
        assertTrue(ready.message().contains("no StorageNode 'node-z'"), ready.message());
        assertNothingCreated("no-node", before);
    }

    @Test
    void offlineNode() {
        Dataplanes.Node nodeB = h.addNode("node-b", 1);
        Await.until("node-b Online", () -> online("node-b"), () -> h.storageNode("node-b"));
        h.stopAgent("node-b");
        Await.until(
                "node-b Offline",
                () -> "Offline"
                        .equals(String.valueOf(
                                h.storageNode("node-b").getStatus().state())),
                () -> h.storageNode("node-b"));
        double before = createCalls();
        h.createPool("on-offline", "node-b", nodeB.disks().getFirst());
        Condition ready = awaitReady("on-offline", Reasons.NODE_OFFLINE);
        assertEquals(DiskPoolPhase.Offline, h.pool("on-offline").getStatus().phase());
        assertTrue(ready.message().contains("Nothing was created"), ready.message());
        assertEquals(before, createCalls());
        assertTrue(nodeB.loadedPools().isEmpty());

        // and the pool follows its node back
        h.startAgent("node-b");
        Await.until(
                "pool Online with its node",
                () -> h.pool("on-offline").getStatus().phase() == DiskPoolPhase.Online,
                () -> h.pool("on-offline"));
    }

    @Test
    void twoPoolsOnOneDisk() throws InterruptedException {
        String disk = nodeA.disks().get(2);
        h.createPool("first", "node-a", disk);
        Await.until("first Online", () -> Reasons.POOL_ONLINE.equals(h.readyReason("first")), () -> h.pool("first"));
        Thread.sleep(10); // a later creationTimestamp, even at the mock server's second resolution
        double before = createCalls();
        h.createPool("second", "node-a", disk.toUpperCase().replace("PCIE", "pcie"));
        Condition ready = awaitReady("second", Reasons.DISK_IN_USE);
        assertTrue(ready.message().contains("belongs to DiskPool 'first'"), ready.message());
        assertNothingCreated("second", before);

        // Deleting the owner frees the disk; the waiting pool then takes it.
        h.kubectl().resources(DiskPool.class).withName("first").delete();
        Await.until("second Online", () -> Reasons.POOL_ONLINE.equals(h.readyReason("second")), () -> h.pool("second"));
        assertEquals("second", nodeA.poolOn(disk));
    }

    @Test
    void fixingTheSpecCreatesThePool() {
        h.createPool("fix-me", "node-a", "pcie://0000:01:00");
        awaitReady("fix-me", Reasons.INVALID_SPEC);
        DiskPool p = h.pool("fix-me");
        p.setSpec(new DiskPoolSpec("node-a", List.of(nodeA.disks().get(3)), new Quantity("8Mi"), null));
        h.kubectl().resource(p).update();
        Await.until(
                "Online after the fix",
                () -> Reasons.POOL_ONLINE.equals(h.readyReason("fix-me")),
                () -> h.pool("fix-me"));
        assertEquals(8L << 20, h.pool("fix-me").getStatus().clusterSizeBytes());
        assertEquals(
                h.pool("fix-me").getMetadata().getGeneration(),
                h.pool("fix-me").getStatus().observedGeneration());
    }

    @Test
    void aPoolWithABadSpecIsDeletedAtOnce() {
        h.createPool("doomed", "node-a", "ftp://disk");
        awaitReady("doomed", Reasons.INVALID_SPEC);
        h.kubectl().resources(DiskPool.class).withName("doomed").delete();
        Await.until("gone", () -> h.pool("doomed") == null, () -> h.pool("doomed"));
    }
}
