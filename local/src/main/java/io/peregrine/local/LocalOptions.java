package io.peregrine.local;

import io.peregrine.dataplane.bdev.Sizes;
import io.peregrine.dataplane.config.ConfigKey;
import io.peregrine.dataplane.config.ConfigLoader;
import io.peregrine.dataplane.config.DaemonConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code ./peregrine local} was asked for: the daemon's settings with local defaults (data
 * directory {@code ./.peregrine}, everything on 127.0.0.1, the socket in the data directory), the
 * size of the pool file, and whether to embed the CSI plugin.
 */
record LocalOptions(DaemonConfig daemon, long poolBytes, boolean csi) {
    static final String DEFAULT_DATA_DIR = ".peregrine";
    static final String DEFAULT_SIZE = "20G";

    static final String SYNOPSIS = """
            usage: ./peregrine local [--data-dir DIR] [--size SIZE] [--no-csi] [--KEY VALUE]...

            A whole Peregrine node on this machine, without Kubernetes: the dataplane daemon with a
            file:// pool named 'local' under the data directory, the NVMe/TCP target on
            127.0.0.1:4420, the management socket DIR/dataplane.sock (what ./peregrine volume ...
            talks to), metrics on 127.0.0.1:9464 and the CSI controller and node sockets in
            DIR/csi. Ctrl-C stops it cleanly; starting it again brings back every volume,
            snapshot and export.

              --data-dir DIR   where the pool file and the state live (default ./.peregrine)
              --size SIZE      the pool file's size when it is created (default 20G; sparse)
              --no-csi         do not serve the CSI sockets""";

    /** Parses the arguments; a UsageException (empty message: help) on anything wrong. */
    static LocalOptions parse(List<String> args, Map<String, String> env) {
        long size = Sizes.parse(DEFAULT_SIZE);
        boolean csi = true;
        String dataDir = env.getOrDefault(ConfigKey.DATA_DIR.env(), DEFAULT_DATA_DIR);
        List<String> daemonArgs = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            switch (name) {
                case "--size" -> {
                    String value = value(args, i, arg);
                    if (!arg.contains("=")) {
                        i++;
                    }
                    try {
                        size = Sizes.parse(value);
                    } catch (IllegalArgumentException e) {
                        throw new ConfigLoader.UsageException(
                                "--size '" + value + "' is not a size; write it like 20G, 512M or 1T");
                    }
                    if (size < (64L << 20)) {
                        throw new ConfigLoader.UsageException(
                                "--size " + value + " is too small for a pool; use 64M or more");
                    }
                }
                case "--no-csi" -> csi = false;
                default -> {
                    if (ConfigKey.lookup(name.replaceFirst("^--", "")) == ConfigKey.DATA_DIR) {
                        dataDir = value(args, i, arg);
                    }
                    daemonArgs.add(arg);
                }
            }
        }
        ConfigLoader loader = loader(Path.of(dataDir));
        DaemonConfig config = loader.load(daemonArgs, env, false).config();
        return new LocalOptions(config, size, csi);
    }

    static ConfigLoader loader(Path dataDir) {
        Map<ConfigKey, String> d = ConfigLoader.daemonDefaults(Map.of());
        d.put(ConfigKey.DATA_DIR, dataDir.toString());
        d.put(ConfigKey.TARGET_LISTEN, "127.0.0.1:4420");
        d.put(ConfigKey.MANAGEMENT_SOCKET, dataDir.resolve("dataplane.sock").toString());
        d.put(ConfigKey.METRICS_LISTEN, "127.0.0.1:9464");
        return new ConfigLoader("local", d);
    }

    static String usage() {
        return loader(Path.of(DEFAULT_DATA_DIR)).usage(SYNOPSIS);
    }

    private static String value(List<String> args, int i, String arg) {
        if (arg.contains("=")) {
            return arg.substring(arg.indexOf('=') + 1);
        }
        if (i + 1 >= args.size()) {
            throw new ConfigLoader.UsageException(arg + " needs a value");
        }
        return args.get(i + 1);
    }
}
