package io.peregrine.csi;

import io.peregrine.csi.server.Endpoint;
import java.io.PrintStream;

/**
 * {@code ./peregrine csi}: runs the CSI controller and/or node plugin until SIGTERM. Prints one
 * line per socket it serves ({@code controller unix:///...}, {@code node unix:///...}) so
 * scripts and local mode can find them.
 */
public final class CsiMain {

    private CsiMain() {}

    public static void main(String[] args) throws InterruptedException {
        // one line per record, before any logger exists
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        CsiOptions options;
        try {
            options = CsiOptions.parse(args, System.getenv());
        } catch (CsiOptions.UsageException e) {
            PrintStream out = e.getMessage().isEmpty() ? System.out : System.err;
            if (!e.getMessage().isEmpty()) out.println("csi: " + e.getMessage());
            out.print(CsiOptions.USAGE);
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
            return;
        }
        CsiPlugin plugin;
        try {
            plugin = CsiPlugin.start(options);
        } catch (RuntimeException e) {
            System.err.println("csi: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(plugin::close));
        for (Endpoint endpoint : plugin.endpoints()) {
            String role = endpoint.socket().getFileName().toString().replace(".sock", "");
            System.out.println((options.command() == CsiOptions.Command.LOCAL ? role : "csi") + " " + endpoint);
        }
        System.out.println("csi: serving " + CsiDriver.NAME + " " + CsiDriver.version() + " as node " + options.nodeId()
                + " (" + options.roles() + ")");
        System.out.flush();
        plugin.awaitTermination();
    }
}
