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
     * @param serverName the DNS name the daemon's certificate must carry: {@link #SERVER_NAME}
     *     unless {@code --tls-server-name} says otherwise
     */
    record Tcp(String host, int port, Path certificate, Path privateKey, Path trustedCa, String serverName)
            implements DaemonEndpoint {
        /**
         * The name every node daemon's management certificate carries (the daemon's
         * {@code management.tls.cert}), so one certificate recipe serves every node and the
         * client checks it whatever address it used.
         */
        public static final String SERVER_NAME = "peregrine-dataplane";

        @Override
        public String describe() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
