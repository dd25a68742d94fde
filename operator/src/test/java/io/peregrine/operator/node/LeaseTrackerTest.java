package io.peregrine.operator.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.peregrine.operator.node.LeaseTracker.Alive;
import io.peregrine.operator.node.LeaseTracker.Expired;
import io.peregrine.operator.node.LeaseTracker.Missing;
import io.peregrine.operator.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LeaseTrackerTest {

    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private final MutableClock clock = new MutableClock(T0);
    private final LeaseTracker tracker = new LeaseTracker(clock, Duration.ofSeconds(40));

    private static Lease lease(String name, ZonedDateTime renewed, Integer seconds) {
        return new LeaseBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withRenewTime(renewed)
                .withLeaseDurationSeconds(seconds)
                .endSpec()
                .build();
    }

    @Test
    void aRenewalCountsWhenWeSeeItWhateverItsTimestampSays() {
        // The agent's clock is an hour behind ours: its renewals still keep the node alive.
        ZonedDateTime skewed = ZonedDateTime.ofInstant(T0.minusSeconds(3600), ZoneOffset.UTC);
        assertEquals(Optional.of("n1"), tracker.observe(lease("peregrine-node-n1", skewed, 10)));
        assertEquals(new Alive(T0.plusSeconds(10)), tracker.liveness("n1"));

        clock.advance(Duration.ofSeconds(8));
        tracker.observe(lease("peregrine-node-n1", skewed.plusSeconds(8), 10));
        assertEquals(new Alive(T0.plusSeconds(18)), tracker.liveness("n1"));

        clock.advance(Duration.ofSeconds(8));
        tracker.observe(lease("peregrine-node-n1", skewed.plusSeconds(8), 10)); // a resync, not a renewal
        assertEquals(new Alive(T0.plusSeconds(18)), tracker.liveness("n1"));

        clock.advance(Duration.ofSeconds(2));
        Expired e = assertInstanceOf(Expired.class, tracker.liveness("n1"));
        assertEquals(T0.plusSeconds(18), e.expiredAt());
        assertEquals(Duration.ofSeconds(10), e.leaseDuration());
    }

    @Test
    void aMissingLeaseGetsOneDefaultDurationOfGrace() {
        assertEquals(new Missing(T0.plusSeconds(40)), tracker.liveness("n2"));
        tracker.observe(lease("peregrine-node-n2", ZonedDateTime.now(ZoneOffset.UTC), null));
        assertEquals(new Alive(T0.plusSeconds(40)), tracker.liveness("n2"), "default duration");
        assertEquals(Optional.of("n2"), tracker.forget(lease("peregrine-node-n2", null, null)));
        assertInstanceOf(Missing.class, tracker.liveness("n2"));
    }

    @Test
    void onlyNodeLeasesBelongToNodes() {
        assertEquals(Optional.empty(), tracker.observe(lease("peregrine-operator", null, 15)));
        Lease labelled = new LeaseBuilder(lease("whatever", null, 15))
                .editMetadata()
                .addToLabels("peregrine.io/storage-node", "n3")
                .endMetadata()
                .build();
        assertEquals(Optional.of("n3"), LeaseTracker.nodeOf(labelled));
    }
}
