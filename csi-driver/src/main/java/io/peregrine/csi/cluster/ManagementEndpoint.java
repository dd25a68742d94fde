package io.peregrine.csi.cluster;

import java.nio.file.Path;

/**
 * Where a dataplane's management API listens, as {@code StorageNode.status.managementEndpoint}
 * spells it (the operator's contract, read here without depending on the operator module):
 * {@code host:port} or {@code [v6-address]:port} for gRPC over TCP with mutual TLS, or
 * {@code unix:///path} for a daemon on the controller's own host.
 */
public sealed interface ManagementEndpoint {

    record Tcp(String host, int port) implements ManagementEndpoint {
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    record Unix(Path path) implements ManagementEndpoint {
        @Override
        public String toString() {
            return "unix://" + path;
        }
    }

    /** @throws IllegalArgumentException naming the forms that are accepted */
    static ManagementEndpoint parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the management endpoint is empty; expected host:port or unix:///path");
        }
        if (text.startsWith("unix://")) {
            String path = text.substring("unix://".length());
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException(
                        "management endpoint '" + text + "' needs an absolute socket path, e.g. unix:///run/x.sock");
            }
            return new Unix(Path.of(path));
        }
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) {
                throw new IllegalArgumentException(
                        "management endpoint '" + text + "' is not [ipv6-address]:port, e.g. [fd00::7]:9443");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || text.indexOf(':') != colon) {
                throw new IllegalArgumentException("management endpoint '" + text
                        + "' is not host:port (e.g. 10.0.0.7:9443), [ipv6]:port or unix:///path");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException(
                    "management endpoint '" + text + "' has port '" + port + "'; expected 1 to 65535");
        }
        return new Tcp(host, p);
    }
}
