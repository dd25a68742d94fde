package io.peregrine.operator;

/** One-line log records for the programs' mains (java.util.logging, which SLF4J also feeds). */
public final class Logging {

    private static final String FORMAT_PROPERTY = "java.util.logging.SimpleFormatter.format";

    private Logging() {}

    public static void configure() {
        if (System.getProperty(FORMAT_PROPERTY) == null) {
            System.setProperty(FORMAT_PROPERTY, "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        }
    }
}
