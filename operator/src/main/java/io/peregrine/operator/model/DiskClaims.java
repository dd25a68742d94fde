package io.peregrine.operator.model;

import io.peregrine.operator.crd.DiskPool;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * Who owns a disk when several DiskPools name it: the pool that already lives on it, else the
 * oldest claim, else the smallest name. Every reconciler computes the same answer from the same
 * informer cache, so exactly one pool proceeds and the others report {@code DiskInUse}.
 */
public final class DiskClaims {

    private DiskClaims() {}

    /**
     * The name of another DiskPool that owns {@code desired}'s disk, or empty when {@code self} may use it.
     *
     * @param poolsOnNode every DiskPool whose spec names the same node (self included or not)
     */
    public static Optional<String> ownerOtherThan(
            DiskPool self, DesiredPool desired, Collection<DiskPool> poolsOnNode) {
        String name = self.getMetadata().getName();
        return poolsOnNode.stream()
                .filter(p -> claims(p, desired))
                .min(Comparator.comparing((DiskPool p) -> !livesOn(p, desired))
                        .thenComparing(DiskClaims::created)
                        .thenComparing(p -> p.getMetadata().getName()))
                .map(p -> p.getMetadata().getName())
                .filter(owner -> !owner.equals(name));
    }

    private static boolean claims(DiskPool pool, DesiredPool desired) {
        return livesOn(pool, desired)
                || (pool.getSpec() != null
                        && desired.node().equals(pool.getSpec().node())
                        && pool.getSpec().disks().size() == 1
                        && sameDisk(pool.getSpec().disks().getFirst(), desired));
    }

    private static boolean livesOn(DiskPool pool, DesiredPool desired) {
        return pool.getStatus() != null
                && desired.node().equals(pool.getStatus().node())
                && pool.getStatus().disk() != null
                && sameDisk(pool.getStatus().disk(), desired);
    }

    private static boolean sameDisk(String uri, DesiredPool desired) {
        try {
            return Objects.equals(DiskUri.parse(uri).identity(), desired.disk().identity());
        } catch (DiskUri.InvalidDiskUriException e) {
            return false; // that pool reports its own bad spec; it claims nothing
        }
    }

    private static Instant created(DiskPool pool) {
        String ts = pool.getMetadata().getCreationTimestamp();
        try {
            return ts == null ? Instant.MAX : Instant.parse(ts);
        } catch (DateTimeParseException e) {
            return Instant.MAX;
        }
    }
}
