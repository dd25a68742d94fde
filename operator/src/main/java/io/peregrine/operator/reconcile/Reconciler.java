package io.peregrine.operator.reconcile;

/**
 * Brings one object, named by its key, to its desired state. Implementations read the object
 * from an informer cache (it may be gone), must be idempotent, and are never called twice at once
 * for the same key. A thrown exception retries the key with backoff.
 */
@FunctionalInterface
public interface Reconciler {
    Result reconcile(String key) throws Exception;
}
