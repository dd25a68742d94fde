package io.peregrine.dataplane.config;

import io.peregrine.dataplane.reactor.CoreList;
import io.peregrine.nvmf.tcp.TransportFlavor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Builds a {@link DaemonConfig}: defaults, then the YAML file ({@code --config FILE} or {@code
 * PEREGRINE_CONFIG}), then {@code PEREGRINE_*} environment variables, then flags. Every mistake is
 * a {@link UsageException} that names the setting, where it came from, and what would be valid.
 */
public final class ConfigLoader {
    private final String command;
    private final Map<ConfigKey, String> defaults;

    /**
     * @param command the name in usage text ({@code dataplane}, {@code local})
     * @param defaults a value (possibly empty) for every key
     */
    public ConfigLoader(String command, Map<ConfigKey, String> defaults) {
        this.command = command;
        this.defaults = new EnumMap<>(defaults);
        for (ConfigKey k : ConfigKey.values()) {
            if (!this.defaults.containsKey(k)) {
                throw new IllegalArgumentException("no default for " + k.key());
            }
        }
    }

    /** The node daemon's defaults (the process contract the Helm chart relies on). */
    public static Map<ConfigKey, String> daemonDefaults(Map<String, String> env) {
        Map<ConfigKey, String> d = new EnumMap<>(ConfigKey.class);
        d.put(ConfigKey.NODE_NAME, env.getOrDefault("KUBE_NODE_NAME", HostInfo.hostName()));
        d.put(ConfigKey.DATA_DIR, "/var/lib/peregrine");
        d.put(ConfigKey.REACTORS_CORES, "");
        d.put(ConfigKey.REACTORS_COUNT, "1");
        d.put(ConfigKey.REACTORS_SPIN_MICROS, "200");
        d.put(ConfigKey.REACTORS_TRANSPORT, "epoll");
        d.put(ConfigKey.HUGEPAGES, "0");
        d.put(ConfigKey.TARGET_LISTEN, "0.0.0.0:4420");
        d.put(ConfigKey.TARGET_ADVERTISE, "");
        d.put(ConfigKey.MANAGEMENT_SOCKET, "/var/run/peregrine/dataplane.sock");
        d.put(ConfigKey.MANAGEMENT_LISTEN, "");
        d.put(ConfigKey.MANAGEMENT_TLS_CERT, "");
        d.put(ConfigKey.MANAGEMENT_TLS_KEY, "");
        d.put(ConfigKey.MANAGEMENT_TLS_CA, "");
        d.put(ConfigKey.METRICS_LISTEN, "0.0.0.0:9464");
        d.put(ConfigKey.HOST_NQN, "");
        d.put(ConfigKey.LOG_LEVEL, "INFO");
        return d;
    }

    /** What {@link #load} understood, and what is left over for the caller (positional words). */
    public record Result(DaemonConfig config, List<String> rest) {}

    /**
     * Parses {@code args} and {@code env}. Arguments that are not flags of ours are returned in
     * {@link Result#rest} when {@code allowRest}, an error otherwise. {@code -h}/{@code --help}
     * throws a UsageException with an empty message.
     */
    public Result load(List<String> args, Map<String, String> env, boolean allowRest) {
        Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
        List<String> rest = new ArrayList<>();
        String configFile = env.get("PEREGRINE_CONFIG");
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("-h") || arg.equals("--help")) {
                throw new UsageException("");
            }
            if (!arg.startsWith("--")) {
                if (!allowRest) {
                    throw new UsageException("unexpected argument '" + arg + "'");
                }
                rest.add(arg);
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq > 0 ? arg.substring(2, eq) : arg.substring(2);
            ConfigKey key = ConfigKey.lookup(name);
            if (key == null && !name.equals("config")) {
                if (allowRest) {
                    rest.add(arg);
                    continue;
                }
                throw new UsageException("unknown option --" + name + "; " + command + " --help lists them");
            }
            String value;
            if (eq > 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new UsageException("--" + name + " needs a value");
            }
            if (key == null) {
                configFile = value;
            } else {
                flags.put(key, value);
            }
        }
        Map<ConfigKey, String> values = new EnumMap<>(defaults);
        Map<ConfigKey, String> source = new EnumMap<>(ConfigKey.class);
        for (ConfigKey k : ConfigKey.values()) {
            source.put(k, "the default");
        }
        if (configFile != null && !configFile.isEmpty()) {
            for (Map.Entry<ConfigKey, String> e : readYaml(Path.of(configFile)).entrySet()) {
                values.put(e.getKey(), e.getValue());
                source.put(e.getKey(), configFile);
            }
        }
        for (ConfigKey k : ConfigKey.values()) {
            String v = env.get(k.env());
            if (v != null) {
                values.put(k, v);
                source.put(k, "$" + k.env());
            }
        }
        for (Map.Entry<ConfigKey, String> e : flags.entrySet()) {
            values.put(e.getKey(), e.getValue());
            source.put(e.getKey(), e.getKey().flag());
        }
        return new Result(build(values, source), List.copyOf(rest));
    }

    private static Map<ConfigKey, String> readYaml(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UsageException("cannot read the config file " + file + ": " + e.getMessage());
        }
        Object doc;
        try {
            doc = new Load(LoadSettings.builder().setLabel(file.toString()).build()).loadFromString(text);
        } catch (YamlEngineException e) {
            throw new UsageException("the config file " + file + " is not valid YAML: " + e.getMessage());
        }
        Map<ConfigKey, String> out = new EnumMap<>(ConfigKey.class);
        if (doc == null) {
            return out;
        }
        if (!(doc instanceof Map<?, ?> map)) {
            throw new UsageException("the config file " + file + " must be a mapping of settings, e.g. 'nodeName: n1'");
        }
        flatten(file, "", map, out);
        return out;
    }

    private static void flatten(Path file, String prefix, Map<?, ?> map, Map<ConfigKey, String> out) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String name = prefix + e.getKey();
            Object v = e.getValue();
            if (v instanceof Map<?, ?> nested) {
                flatten(file, name + ".", nested, out);
                continue;
            }
            ConfigKey key = ConfigKey.lookup(name);
            if (key == null) {
                throw new UsageException("the config file " + file + " sets '" + name + "', which is not a setting; "
                        + "known: "
                        + String.join(
                                ", ",
                                java.util.Arrays.stream(ConfigKey.values())
                                        .map(ConfigKey::key)
                                        .toList()));
            }
            if (v instanceof List<?> || v instanceof Map<?, ?>) {
                throw new UsageException("the config file " + file + ": " + name + " must be a single value");
            }
            out.put(key, v == null ? "" : String.valueOf(v));
        }
    }

    private DaemonConfig build(Map<ConfigKey, String> v, Map<ConfigKey, String> source) {
        Parser p = new Parser(v, source);
        String nodeName = p.text(ConfigKey.NODE_NAME);
        if (nodeName.isEmpty()) {
            throw new UsageException("nodeName is empty (from " + source.get(ConfigKey.NODE_NAME)
                    + "); set --node-name or PEREGRINE_NODE_NAME");
        }
        Optional<CoreList> cores = Optional.empty();
        String coreText = p.text(ConfigKey.REACTORS_CORES);
        if (!coreText.isEmpty()) {
            try {
                cores = Optional.of(CoreList.parse(coreText));
            } catch (IllegalArgumentException e) {
                throw p.bad(ConfigKey.REACTORS_CORES, e.getMessage());
            }
        }
        int count = (int) p.number(ConfigKey.REACTORS_COUNT, 1, 1024);
        long spin = p.number(ConfigKey.REACTORS_SPIN_MICROS, 0, 1_000_000);
        TransportFlavor transport = switch (p.text(ConfigKey.REACTORS_TRANSPORT).toLowerCase(Locale.ROOT)) {
            case "epoll" -> TransportFlavor.EPOLL;
            case "io_uring", "iouring", "io-uring" -> TransportFlavor.IO_URING;
            default -> throw p.bad(ConfigKey.REACTORS_TRANSPORT, "must be epoll or io_uring");
        };
        long hugepages = p.number(ConfigKey.HUGEPAGES, 0, 1L << 30);
        InetSocketAddress target = p.address(ConfigKey.TARGET_LISTEN)
                .orElseThrow(() ->
                        p.bad(ConfigKey.TARGET_LISTEN, "the NVMe/TCP target needs an address, e.g. 0.0.0.0:4420"));
        Optional<String> advertise = p.optional(ConfigKey.TARGET_ADVERTISE);
        Path socket = Path.of(p.text(ConfigKey.MANAGEMENT_SOCKET));
        if (socket.toString().isEmpty()) {
            throw p.bad(ConfigKey.MANAGEMENT_SOCKET, "the management socket needs a path");
        }
        if (socket.toAbsolutePath().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 107) {
            throw p.bad(
                    ConfigKey.MANAGEMENT_SOCKET,
                    "a Unix socket path may be at most 107 bytes; " + socket.toAbsolutePath() + " is longer."
                            + " Choose a shorter path");
        }
        Optional<InetSocketAddress> management = p.address(ConfigKey.MANAGEMENT_LISTEN);
        Optional<DaemonConfig.Tls> tls = Optional.empty();
        Optional<String> cert = p.optional(ConfigKey.MANAGEMENT_TLS_CERT);
        Optional<String> key = p.optional(ConfigKey.MANAGEMENT_TLS_KEY);
        Optional<String> ca = p.optional(ConfigKey.MANAGEMENT_TLS_CA);
        if (management.isPresent()) {
            if (cert.isEmpty() || key.isEmpty() || ca.isEmpty()) {
                throw p.bad(
                        ConfigKey.MANAGEMENT_LISTEN,
                        "the management API is served on TCP only with mutual TLS: set management.tls.cert,"
                                + " management.tls.key and management.tls.ca too");
            }
            tls = Optional.of(new DaemonConfig.Tls(
                    p.readable(ConfigKey.MANAGEMENT_TLS_CERT),
                    p.readable(ConfigKey.MANAGEMENT_TLS_KEY),
                    p.readable(ConfigKey.MANAGEMENT_TLS_CA)));
        }
        Optional<InetSocketAddress> metrics = p.address(ConfigKey.METRICS_LISTEN);
        Optional<String> hostNqn = p.optional(ConfigKey.HOST_NQN);
        if (hostNqn.isPresent()) {
            String problem = io.peregrine.nvmf.core.Nqn.problem(hostNqn.get());
            if (problem != null) {
                throw p.bad(ConfigKey.HOST_NQN, problem);
            }
        }
        String level = p.text(ConfigKey.LOG_LEVEL).toUpperCase(Locale.ROOT);
        if (!List.of("ERROR", "WARNING", "INFO", "DEBUG").contains(level)) {
            throw p.bad(ConfigKey.LOG_LEVEL, "must be ERROR, WARNING, INFO or DEBUG");
        }
        return new DaemonConfig(
                nodeName,
                Path.of(p.text(ConfigKey.DATA_DIR)).toAbsolutePath(),
                cores,
                count,
                spin,
                transport,
                hugepages,
                target,
                advertise,
                socket.toAbsolutePath(),
                management,
                tls,
                metrics,
                hostNqn,
                level);
    }

    /** The settings table for {@code --help}, with this command's defaults. */
    public String usage(String synopsis) {
        StringBuilder sb =
                new StringBuilder(synopsis).append("\n\nsettings (YAML key / flag / environment variable):\n");
        for (ConfigKey k : ConfigKey.values()) {
            sb.append(String.format(Locale.ROOT, "  %-22s %s %s%n", k.key(), k.flag(), k.metavar()));
            sb.append(String.format(Locale.ROOT, "  %-22s %s%n", "", k.help()));
            String d = defaults.get(k);
            sb.append(
                    String.format(Locale.ROOT, "  %-22s $%s, default: %s%n", "", k.env(), d.isEmpty() ? "(none)" : d));
        }
        sb.append("\n  --config FILE          a YAML file of the settings above ($PEREGRINE_CONFIG);\n")
                .append("                         flags win over the environment, which wins over the file\n");
        return sb.toString();
    }

    /** Reads values for {@link #build}, naming the key and its source in every complaint. */
    private record Parser(Map<ConfigKey, String> values, Map<ConfigKey, String> source) {
        String text(ConfigKey k) {
            return values.get(k).strip();
        }

        Optional<String> optional(ConfigKey k) {
            String t = text(k);
            return t.isEmpty() ? Optional.empty() : Optional.of(t);
        }

        UsageException bad(ConfigKey k, String why) {
            return new UsageException(k.key() + " = '" + values.get(k) + "' (from " + source.get(k) + "): " + why);
        }

        long number(ConfigKey k, long min, long max) {
            long n;
            try {
                n = Long.parseLong(text(k));
            } catch (NumberFormatException e) {
                throw bad(k, "not a whole number");
            }
            if (n < min || n > max) {
                throw bad(k, "must be " + min + ".." + max);
            }
            return n;
        }

        Optional<InetSocketAddress> address(ConfigKey k) {
            String t = text(k);
            if (t.isEmpty() || t.equalsIgnoreCase("off")) {
                return Optional.empty();
            }
            int colon = t.lastIndexOf(':');
            if (colon < 0) {
                throw bad(k, "expected HOST:PORT, e.g. 0.0.0.0:4420 or [::]:4420");
            }
            String host = t.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.isEmpty()) {
                host = "0.0.0.0";
            }
            int port;
            try {
                port = Integer.parseInt(t.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw bad(k, "the port is not a number");
            }
            if (port < 0 || port > 65535) {
                throw bad(k, "the port must be 0..65535");
            }
            return Optional.of(new InetSocketAddress(host, port));
        }

        Path readable(ConfigKey k) {
            Path p = Path.of(text(k));
            if (!Files.isReadable(p)) {
                throw bad(k, p + " is not readable");
            }
            return p;
        }
    }

    /** A mistake in the settings; the message says which and how to fix it (empty: help was asked for). */
    public static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }
}
