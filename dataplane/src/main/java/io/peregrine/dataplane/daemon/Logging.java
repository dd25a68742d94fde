package io.peregrine.dataplane.daemon;

import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * One log line per event on standard error ({@code 2026-11-21T05:40:01.123Z INFO  logger: message}),
 * at the configured level, for the daemon's and local mode's mains. Containers ship stderr; nothing
 * is written to files.
 */
public final class Logging {
    private Logging() {}

    /**
     * Loggers whose level we set, held strongly (the JDK keeps loggers weakly, and a collected one
     * forgets its level). A holder class, so that {@link #install} runs before LogManager starts.
     */
    private static final class Pinned {
        static final Logger GRPC = Logger.getLogger("io.grpc");
        static final Logger NETTY = Logger.getLogger("io.netty");
        static final Logger NETTY_BOOTSTRAP = Logger.getLogger("io.netty.bootstrap.ServerBootstrap");
    }

    /**
     * Keeps logging alive while the daemon stops. The JDK's LogManager resets itself (closing every
     * handler) in its own shutdown hook, which races ours: the lines that say the pools were
     * unloaded cleanly would be lost. This manager ignores resets; {@link #configure} replaces the
     * handlers itself. Installed by {@link #install} before anything logs.
     */
    public static final class KeepAliveLogManager extends LogManager {
        @Override
        public void reset() {
            // handlers stay until the process exits; configure() swaps them explicitly
        }
    }

    /** Call first thing in {@code main}: takes effect only when nothing has logged yet. */
    public static void install() {
        if (System.getProperty("java.util.logging.manager") == null
                && System.getProperty("java.util.logging.config.file") == null) {
            System.setProperty("java.util.logging.manager", KeepAliveLogManager.class.getName());
        }
    }

    /** {@code level}: ERROR, WARNING, INFO or DEBUG (as the logLevel setting spells them). */
    public static void configure(String level) {
        if (System.getProperty("java.util.logging.config.file") != null) {
            return; // the user configured logging themselves
        }
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$-7s %3$s: %5$s%6$s%n");
        Level jul = switch (level.toUpperCase(Locale.ROOT)) {
            case "ERROR" -> Level.SEVERE;
            case "WARNING" -> Level.WARNING;
            case "DEBUG" -> Level.FINE;
            default -> Level.INFO;
        };
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        Handler handler = new ConsoleHandler();
        handler.setFormatter(new SimpleFormatter());
        handler.setLevel(jul);
        root.addHandler(handler);
        root.setLevel(jul);
        // gRPC and Netty are chatty below INFO; their warnings still show
        Pinned.GRPC.setLevel(jul.intValue() < Level.INFO.intValue() ? Level.INFO : jul);
        // gRPC sets SO_KEEPALIVE on every child channel, Unix sockets included: a warning per connection
        Pinned.NETTY_BOOTSTRAP.setLevel(Level.SEVERE);
        Pinned.NETTY.setLevel(jul.intValue() < Level.INFO.intValue() ? Level.INFO : jul);
    }
}
