package io.peregrine.csi.server;

import java.nio.file.Path;

/**
 * Where a CSI service listens: a Unix domain socket, written {@code unix:///abs/path} as the
 * Kubernetes sidecars (external-provisioner, node-driver-registrar) spell it.
 */
public record Endpoint(Path socket) {

    private static final String SCHEME = "unix://";

    public Endpoint {
        if (!socket.isAbsolute()) {
            throw new IllegalArgumentException("a CSI endpoint needs an absolute socket path, got " + socket);
        }
    }

    /** Parses {@code unix:///path} (also {@code unix:/path}); anything else is an error that says why. */
    public static Endpoint parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("--endpoint is required, e.g. unix:///csi/csi.sock");
        }
        String path;
        if (text.startsWith(SCHEME)) {
            path = text.substring(SCHEME.length());
        } else if (text.startsWith("unix:/")) {
            path = text.substring("unix:".length());
        } else {
            throw new IllegalArgumentException(
                    "--endpoint must be a Unix socket such as unix:///csi/csi.sock, got '" + text + "'");
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("--endpoint wants an absolute path after unix://, got '" + text + "'");
        }
        return new Endpoint(Path.of(path));
    }

    @Override
    public String toString() {
        return SCHEME + socket;
    }
}
