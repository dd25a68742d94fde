package io.peregrine.dataplane.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;

/**
 * One run of a subcommand: its parsed arguments, where it prints, and its connection to the
 * daemon, opened on first use (help and offline checks never connect) and closed at the end.
 */
public final class Invocation implements AutoCloseable {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    static final Duration DEFAULT_LONG_TIMEOUT = Duration.ofHours(1);

    private final String command;
    private final ParsedArgs args;
    private final Environment env;
    private final Output output;
    private final PrintStream out;
    private final PrintStream err;
    private DaemonConnection connection;
    private DaemonClient client;

    Invocation(String command, ParsedArgs args, Environment env, Output output, PrintStream out, PrintStream err) {
        this.command = command;
        this.args = args;
        this.env = env;
        this.output = output;
        this.out = out;
        this.err = err;
    }

    /** {@code volume create}, as messages name the command. */
    public String command() {
        return command;
    }

    public ParsedArgs args() {
        return args;
    }

    public Environment env() {
        return env;
    }

    public Output output() {
        return output;
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    /** The daemon, connected on first use. */
    public DaemonClient daemon() throws UsageException {
        if (client == null) {
            Duration timeout = DEFAULT_TIMEOUT;
            Duration longTimeout = DEFAULT_LONG_TIMEOUT;
            if (args.has(CommonOptions.TIMEOUT.name())) {
                timeout = ArgValues.duration("--timeout", args.value(CommonOptions.TIMEOUT.name()));
                longTimeout = timeout;
            }
            DaemonEndpoint endpoint = EndpointResolver.resolve(args, env);
            connection = DaemonConnection.open(endpoint);
            client = new DaemonClient(connection, timeout, longTimeout);
        }
        return client;
    }

    /** The daemon's endpoint once {@link #daemon()} has connected. */
    public Optional<DaemonEndpoint> connectedEndpoint() {
        return client == null ? Optional.empty() : Optional.of(client.endpoint());
    }

    @Override
    public void close() {
        if (connection != null) {
            connection.close();
        }
    }
}
