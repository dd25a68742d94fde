package io.peregrine.csi.cluster;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The controller's side of the management API's mutual TLS: its certificate chain and PKCS#8
 * key (PEM, as in a kubernetes.io/tls Secret) and the CA that signs dataplane certificates.
 *
 * @param serverName the DNS name every dataplane certificate carries, checked instead of the
 *     pod address, which changes with every restart
 */
public record DataplaneTls(Path certificateChain, Path privateKey, Path trustedCa, String serverName) {

    public static final String DEFAULT_SERVER_NAME = "peregrine-dataplane";

    /** @throws IllegalArgumentException naming the file that cannot be read */
    public DataplaneTls {
        for (Path p : new Path[] {certificateChain, privateKey, trustedCa}) {
            if (p == null || !Files.isReadable(p)) {
                throw new IllegalArgumentException("TLS file " + p + " is not readable; mount the controller's client"
                        + " certificate Secret (tls.crt, tls.key, ca.crt) and point --tls-cert, --tls-key and"
                        + " --tls-ca at it");
            }
        }
        if (serverName == null || serverName.isBlank()) serverName = DEFAULT_SERVER_NAME;
    }
}
