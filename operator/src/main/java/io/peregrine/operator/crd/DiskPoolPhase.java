package io.peregrine.operator.crd;

/**
 * One word for {@code kubectl get dp}. The Ready condition's reason and message say why.
 *
 * <ul>
 *   <li>{@code Creating}: the spec is valid and the pool is being created or imported (or the
 *       dataplane is not answering yet; retried with backoff).
 *   <li>{@code Online}: the dataplane serves the pool.
 *   <li>{@code Degraded}: the dataplane serves the pool with problems it names.
 *   <li>{@code Offline}: the pool's node is offline (its lease expired).
 *   <li>{@code Error}: nothing is served and a person must act: a bad spec, a missing node, a disk
 *       claimed twice, or a pool the dataplane reports in error.
 * </ul>
 */
public enum DiskPoolPhase {
    Creating,
    Online,
    Degraded,
    Offline,
    Error
}
