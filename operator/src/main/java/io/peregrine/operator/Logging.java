package io.peregrine.operator;

import java.util.logging.Level;
import java.util.logging.Logger;

/** One-line log records for the programs' mains (java.util.logging, which SLF4J also feeds). */
public final class Logging {

    private static final String FORMAT_PROPERTY = "java.util.logging.SimpleFormatter.format";

    // Fabric8 warns once per resource type that v1alpha1 is "unstable". It is ours, and alpha on
    // purpose; the warning would only teach operators to ignore warnings. The logger is held here
    // because java.util.logging keeps only weak references to configured loggers.
    private static final Logger VERSION_USAGE =
            Logger.getLogger("io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils");

    private Logging() {}

    public static void configure() {
        if (System.getProperty(FORMAT_PROPERTY) == null) {
            System.setProperty(FORMAT_PROPERTY, "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        }
        VERSION_USAGE.setLevel(Level.SEVERE);
    }
}
