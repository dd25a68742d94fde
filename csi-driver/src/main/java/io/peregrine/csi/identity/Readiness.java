package io.peregrine.csi.identity;

/**
 * What one readiness check found, in the three cases CSI's Probe distinguishes: ready, healthy
 * but still starting (Probe answers ready=false), unhealthy (Probe fails with
 * FAILED_PRECONDITION so the CO may restart us or alert).
 */
public sealed interface Readiness {

    record Ready() implements Readiness {}

    record Starting(String why) implements Readiness {}

    record Unhealthy(String why) implements Readiness {}

    /** One thing the plugin depends on. */
    @FunctionalInterface
    interface Check {
        Readiness check();
    }
}
