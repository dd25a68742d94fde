package io.peregrine.dataplane.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Chooses the daemon to talk to. The order is agreed with the daemon: {@code --address} (TCP with
 * mutual TLS), else the first of {@code --socket PATH}, {@code $PEREGRINE_SOCKET},
 * {@code ./.peregrine/dataplane.sock} (the socket {@code ./peregrine local} makes in its default
 * data directory) and {@code /var/run/peregrine/dataplane.sock} (a node's daemon). The first two
 * are taken as given; of the last two, the first that exists.
 */
public final class EndpointResolver {
    private EndpointResolver() {}

    public static DaemonEndpoint resolve(ParsedArgs args, Environment env) throws UsageException {
        boolean tls = args.has("tls-cert") || args.has("tls-key") || args.has("tls-ca") || args.has("tls-server-name");
        if (args.has("address")) {
            if (args.has("socket")) {
                throw new UsageException("give either --socket PATH or --address HOST:PORT, not both");
            }
            return tcp(args, env);
        }
        if (tls) {
            throw new UsageException("--tls-cert, --tls-key, --tls-ca and --tls-server-name go with --address"
                    + " HOST:PORT; the Unix socket needs none of them");
        }
        if (args.has("socket")) {
            return new DaemonEndpoint.UnixSocket(absolute(env, args.value("socket")), "--socket");
        }
        String variable = env.variable(Environment.SOCKET_VARIABLE);
        if (variable != null) {
            return new DaemonEndpoint.UnixSocket(absolute(env, variable), "$" + Environment.SOCKET_VARIABLE);
        }
        Path local = env.workingDirectory().resolve(Environment.LOCAL_SOCKET);
        if (Files.exists(local)) {
            return new DaemonEndpoint.UnixSocket(local, "./peregrine local's default data directory");
        }
        if (Files.exists(env.nodeSocket())) {
            return new DaemonEndpoint.UnixSocket(env.nodeSocket(), "the node default");
        }
        throw new CommandFailedException(
                ExitStatus.UNREACHABLE,
                DaemonErrors.notRunning(List.of(
                        local + " (./peregrine local's socket in this directory)",
                        env.nodeSocket() + " (a node daemon's socket)")));
    }

    private static Path absolute(Environment env, String path) {
        return env.workingDirectory().resolve(path).normalize();
    }

    private static DaemonEndpoint.Tcp tcp(ParsedArgs args, Environment env) throws UsageException {
        String address = args.value("address");
        String host;
        String port;
        if (address.startsWith("[")) {
            int close = address.indexOf("]:");
            if (close < 0) {
                throw badAddress(address);
            }
            host = address.substring(1, close);
            port = address.substring(close + 2);
        } else {
            int colon = address.lastIndexOf(':');
            if (colon <= 0 || address.indexOf(':') != colon) {
                throw badAddress(address);
            }
            host = address.substring(0, colon);
            port = address.substring(colon + 1);
        }
        int portNumber;
        try {
            portNumber = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw badAddress(address);
        }
        if (host.isEmpty() || portNumber < 1 || portNumber > 65535) {
            throw badAddress(address);
        }
        if (!args.has("tls-cert") || !args.has("tls-key") || !args.has("tls-ca")) {
            throw new UsageException("the daemon serves TCP only with mutual TLS: with --address give --tls-cert"
                    + " FILE, --tls-key FILE and --tls-ca FILE (this client's certificate and key, and the CA"
                    + " that signed the daemon's)");
        }
        return new DaemonEndpoint.Tcp(
                host,
                portNumber,
                readable(env, "--tls-cert", args.value("tls-cert")),
                readable(env, "--tls-key", args.value("tls-key")),
                readable(env, "--tls-ca", args.value("tls-ca")),
                args.has("tls-server-name") ? args.value("tls-server-name") : DaemonEndpoint.Tcp.SERVER_NAME);
    }

    private static UsageException badAddress(String address) {
        return new UsageException("--address '" + address
                + "' is not HOST:PORT, e.g. --address 10.0.0.7:9443 or --address [fd00::7]:9443");
    }

    private static Path readable(Environment env, String option, String file) throws UsageException {
        Path p = absolute(env, file);
        if (!Files.isRegularFile(p)) {
            throw new UsageException(option + " " + file + ": no such file");
        }
        if (!Files.isReadable(p)) {
            throw new UsageException(option + " " + file + ": not readable by this user");
        }
        return p;
    }
}
