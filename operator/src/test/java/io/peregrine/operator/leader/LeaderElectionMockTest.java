package io.peregrine.operator.leader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.operator.Operator;
import io.peregrine.operator.crd.DiskPoolPhase;
import io.peregrine.operator.observe.OperatorMetrics.Outcome;
import io.peregrine.operator.testing.Await;
import io.peregrine.operator.testing.Dataplanes;
import io.peregrine.operator.testing.MockCluster;
import io.peregrine.operator.testing.OperatorHarness;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two replicas: one reconciles, the other stands by and takes over when the first goes. */
class LeaderElectionMockTest {

    private OperatorHarness h;
    private Dataplanes.Node node;

    @BeforeEach
    void start() {
        h = new OperatorHarness();
        node = h.addNode("node-a", 2);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private String holder() {
        var lease = h.kubectl()
                .leases()
                .inNamespace(MockCluster.NAMESPACE)
                .withName("peregrine-operator")
                .get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    private double reconciles(Operator o) {
        return o.metrics().reconcileCount("DiskPool", Outcome.SUCCESS)
                + o.metrics().reconcileCount("DiskPool", Outcome.REQUEUE)
                + o.metrics().reconcileCount("DiskPool", Outcome.ERROR);
    }

    @Test
    void onlyTheLeaderReconcilesAndTheStandbyTakesOver() throws InterruptedException {
        Operator a = h.startOperator("operator-a");
        Await.until("a leads", a::reconciling, this::holder);
        Operator b = h.startOperator("operator-b");

        h.createPool("one", "node-a", node.disks().get(0));
        Await.until(
                "one Online",
                () -> h.pool("one").getStatus() != null
                        && h.pool("one").getStatus().phase() == DiskPoolPhase.Online,
                () -> h.pool("one"));
        Thread.sleep(1000); // the standby keeps competing all along
        assertEquals("operator-a", holder());
        assertFalse(b.reconciling());
        assertTrue(b.ready(), "a standby is ready");
        assertEquals(0, reconciles(b), "the standby reconciled nothing");
        assertTrue(a.metrics().isLeader());
        assertFalse(b.metrics().isLeader());

        a.close(); // releases the lease: no need to wait for it to expire
        // Normally within one retry period; generous because the mock server can stall for 30 s
        // when a watch closes mid-event (see MockCluster#close).
        Await.until("b leads", Duration.ofSeconds(45), b::reconciling, this::holder);
        assertEquals("operator-b", holder());
        double aBefore = reconciles(a);

        h.createPool("two", "node-a", node.disks().get(1));
        Await.until(
                "two Online under b",
                () -> h.pool("two").getStatus() != null
                        && h.pool("two").getStatus().phase() == DiskPoolPhase.Online,
                () -> h.pool("two"));
        assertTrue(reconciles(b) > 0);
        assertEquals(aBefore, reconciles(a), "the old leader does nothing once it let go");
        assertEquals(DiskPoolPhase.Online, h.pool("one").getStatus().phase(), "the new leader keeps what was there");
    }

    @Test
    void aLeaderThatLosesTheLeaseStopsReconciling() {
        Operator a = h.startOperator("operator-a");
        Await.until("a leads", a::reconciling, this::holder);

        // Someone else grabs the lease (as after a network partition healed): a must step down.
        h.kubectl()
                .leases()
                .inNamespace(MockCluster.NAMESPACE)
                .withName("peregrine-operator")
                .edit(lease -> {
                    lease.getSpec().setHolderIdentity("operator-x");
                    lease.getSpec()
                            .setRenewTime(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(30));
                    return lease;
                });
        Await.until("a stops", Duration.ofSeconds(45), () -> !a.reconciling(), this::holder);
        assertTrue(a.live(), "and stands by for the next term");
    }
}
