package io.peregrine.dataplane.cli;

import java.nio.file.Path;

/**
 * Where the daemon's management API is: its Unix socket (the default, on the node itself) or a
 * TCP address served with mutual TLS (from another machine).
 */
public sealed interface DaemonEndpoint {

    /** How it reads in messages: {@code unix:/var/run/peregrine/dataplane.sock}. */
    String describe();

    /**
     * @param path the socket
     * @param source how it was chosen ({@code --socket}, {@code $PEREGRINE_SOCKET}, a default), for
     *     messages
     */
    record UnixSocket(Path path, String source) implements DaemonEndpoint {
        @Override
        public String describe() {
            return "unix:" + path;
        }
    }

    /**
     * @param serverName the name the daemon's certificate carries, when it is not {@code host}
     */
    record Tcp(String host, int port, Path certificate, Path privateKey, Path trustedCa, String serverName)
            implements DaemonEndpoint {
        @Override
        public String describe() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
