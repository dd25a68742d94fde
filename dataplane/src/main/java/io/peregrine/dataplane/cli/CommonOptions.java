package io.peregrine.dataplane.cli;

import java.util.List;

/** The options every daemon command takes: where the daemon is, how long to wait, how to print. */
public final class CommonOptions {
    public static final Option OUTPUT = Option.value("output", "FORMAT", "table (the default), json or yaml")
            .withAlias("o");
    public static final Option SOCKET = Option.value("socket", "PATH", "the daemon's Unix socket");
    public static final Option ADDRESS =
            Option.value("address", "HOST:PORT", "the daemon's TCP address (mutual TLS: give the three below)");
    public static final Option TLS_CERT = Option.value("tls-cert", "FILE", "this client's certificate chain (PEM)");
    public static final Option TLS_KEY = Option.value("tls-key", "FILE", "its private key (PEM, PKCS#8)");
    public static final Option TLS_CA = Option.value("tls-ca", "FILE", "the CA that signed the daemon's certificate");
    public static final Option TLS_SERVER_NAME = Option.value(
            "tls-server-name",
            "NAME",
            "the DNS name the daemon's certificate must carry (default peregrine-dataplane)");
    public static final Option TIMEOUT = Option.value(
            "timeout", "DURATION", "how long to wait for the daemon (default 60s; 1h for copies and thick volumes)");
    public static final Option HELP = Option.flag("help", "this text").withAlias("h");

    public static final List<Option> ALL =
            List.of(OUTPUT, SOCKET, ADDRESS, TLS_CERT, TLS_KEY, TLS_CA, TLS_SERVER_NAME, TIMEOUT, HELP);

    /** The connection part of every help text. */
    static final String CONNECTION_HELP = """
            The daemon is found at --socket PATH, else $PEREGRINE_SOCKET, else
            ./.peregrine/dataplane.sock (./peregrine local), else /var/run/peregrine/dataplane.sock.
            From another machine: --address HOST:PORT --tls-cert FILE --tls-key FILE --tls-ca FILE.
            """;

    static final String EXIT_HELP = """
            exit status: 0 done; 1 the daemon refused or failed the request (the message says why);
            2 usage error (nothing was sent); 3 the daemon could not be reached (not running, not
            serving yet, TLS refused)
            """;

    private CommonOptions() {}
}
