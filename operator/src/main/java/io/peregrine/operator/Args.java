package io.peregrine.operator;

import io.peregrine.operator.dataplane.DataplaneTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --name value} and {@code --name=value} options with environment fallbacks, for the
 * operator's and the node agent's mains. Every problem is an {@link ArgsException} that names the
 * option and what it accepts.
 */
public final class Args {

    private static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|s|m|h)");

    private final Map<String, String> values = new HashMap<>();
    private final Map<String, String> env;
    private final boolean help;

    public static final class ArgsException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ArgsException(String message) {
            super(message);
        }
    }

    public Args(List<String> args, Set<String> known, Map<String, String> env) {
        this.env = env;
        boolean wantsHelp = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("-h") || arg.equals("--help")) {
                wantsHelp = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new ArgsException("unexpected argument '" + arg + "'");
            }
            String name;
            String value;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(2, eq);
                value = arg.substring(eq + 1);
            } else {
                name = arg.substring(2);
                if (i + 1 >= args.size()) {
                    throw new ArgsException("option --" + name + " needs a value");
                }
                value = args.get(++i);
            }
            if (!known.contains(name)) {
                throw new ArgsException("unknown option --" + name);
            }
            values.put(name, value);
        }
        this.help = wantsHelp;
    }

    public boolean help() {
        return help;
    }

    /** The option, else the environment variable, else empty. */
    public Optional<String> string(String name, String envVar) {
        String v = values.get(name);
        if (v == null && envVar != null) {
            v = env.get(envVar);
        }
        return Optional.ofNullable(v).filter(s -> !s.isBlank());
    }

    public String required(String name, String envVar) {
        return string(name, envVar)
                .orElseThrow(() -> new ArgsException(
                        "--" + name + " is required" + (envVar == null ? "" : " (or set " + envVar + ")")));
    }

    public int integer(String name, int fallback, int min, int max) {
        return parse(
                name,
                fallback,
                s -> {
                    int v = Integer.parseInt(s);
                    if (v < min || v > max) {
                        throw new NumberFormatException();
                    }
                    return v;
                },
                "an integer from " + min + " to " + max);
    }

    public Duration duration(String name, Duration fallback) {
        return parse(name, fallback, Args::parseDuration, "a duration such as 500ms, 15s, 2m or 1h");
    }

    private <T> T parse(String name, T fallback, Function<String, T> parser, String expected) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return parser.apply(v);
        } catch (IllegalArgumentException e) {
            throw new ArgsException("--" + name + " '" + v + "' is not " + expected);
        }
    }

    static Duration parseDuration(String s) {
        Matcher m = DURATION.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException(s);
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
        if (d.isZero()) {
            throw new IllegalArgumentException(s);
        }
        return d;
    }

    /** The TLS options every program that calls a dataplane over TCP shares. */
    public static final Set<String> TLS_OPTIONS = Set.of("tls-cert", "tls-key", "tls-ca", "tls-server-name");

    public static final String TLS_USAGE = """
              --tls-cert FILE        client certificate chain (PEM) for dataplanes' mutual TLS
              --tls-key FILE         its PKCS#8 private key (PEM)
              --tls-ca FILE          the CA that signs dataplane certificates (PEM)
              --tls-server-name NAME the DNS name every dataplane certificate carries (default peregrine-dataplane)
            """;

    /** Empty when no TLS option is given; all three files when any is. */
    public Optional<DataplaneTls> dataplaneTls() {
        Optional<String> cert = string("tls-cert", null);
        Optional<String> key = string("tls-key", null);
        Optional<String> ca = string("tls-ca", null);
        if (cert.isEmpty() && key.isEmpty() && ca.isEmpty()) {
            return Optional.empty();
        }
        if (cert.isEmpty() || key.isEmpty() || ca.isEmpty()) {
            throw new ArgsException("mutual TLS needs all of --tls-cert, --tls-key and --tls-ca");
        }
        return Optional.of(new DataplaneTls(
                Path.of(cert.get()),
                Path.of(key.get()),
                Path.of(ca.get()),
                string("tls-server-name", null).orElse(DataplaneTls.DEFAULT_SERVER_NAME)));
    }
}
