package io.peregrine.operator.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.peregrine.operator.crd.DiskPool;
import io.peregrine.operator.crd.DiskPoolSpec;
import io.peregrine.operator.crd.DiskPoolStatus;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DiskClaimsTest {

    private static DiskPool pool(String name, String created, String node, String disk) {
        DiskPool p = new DiskPool();
        p.setMetadata(new ObjectMetaBuilder()
                .withName(name)
                .withCreationTimestamp(created)
                .build());
        p.setSpec(new DiskPoolSpec(node, List.of(disk), null, null));
        return p;
    }

    private static DesiredPool desired(DiskPool p) {
        return ((DesiredPool.Valid) DesiredPool.from(p.getMetadata().getName(), p.getSpec())).pool();
    }

    @Test
    void theOlderClaimWins() {
        DiskPool a = pool("a", "2026-11-21T10:00:00Z", "n1", "pcie://0000:00:04.0");
        DiskPool b = pool("b", "2026-11-21T10:00:01Z", "n1", "PCIE://0000:00:04.0");
        List<DiskPool> all = List.of(a, b);
        assertEquals(Optional.empty(), DiskClaims.ownerOtherThan(a, desired(a), all));
        assertEquals(Optional.of("a"), DiskClaims.ownerOtherThan(b, desired(b), all));
    }

    @Test
    void theSmallerNameWinsATie() {
        DiskPool a = pool("a", "2026-11-21T10:00:00Z", "n1", "uring:///dev/sdb");
        DiskPool b = pool("b", "2026-11-21T10:00:00Z", "n1", "uring:///dev/sdb");
        assertEquals(Optional.of("a"), DiskClaims.ownerOtherThan(b, desired(b), List.of(b, a)));
    }

    @Test
    void thePoolThatLivesOnTheDiskWinsWhateverItsAge() {
        DiskPool old = pool("old", "2026-11-21T10:00:00Z", "n1", "uring:///dev/sdb");
        DiskPool young = pool("young", "2026-11-21T11:00:00Z", "n1", "uring:///dev/sdb");
        young.setStatus(new DiskPoolStatus(
                null, "n1", "uring:///dev/sdb", "u", null, null, null, null, null, null, null, null, null));
        assertEquals(Optional.of("young"), DiskClaims.ownerOtherThan(old, desired(old), List.of(old, young)));
    }

    @Test
    void otherNodesAndOtherDisksDoNotClaim() {
        DiskPool a = pool("a", "2026-11-21T10:00:00Z", "n1", "uring:///dev/sdb");
        DiskPool b = pool("b", "2026-11-21T09:00:00Z", "n2", "uring:///dev/sdb");
        DiskPool c = pool("c", "2026-11-21T09:00:00Z", "n1", "uring:///dev/sdc");
        DiskPool bad = pool("bad", "2026-11-21T09:00:00Z", "n1", "nope");
        assertEquals(Optional.empty(), DiskClaims.ownerOtherThan(a, desired(a), List.of(a, b, c, bad)));
    }
}
