package io.peregrine.operator.dataplane;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Client side of the management API's mutual TLS: this operator's certificate chain and PKCS#8
 * key (PEM, as in a kubernetes.io/tls Secret) and the CA that signs dataplane certificates.
 *
 * @param serverName the name every dataplane certificate carries as a DNS SAN; checked instead of
 *     the pod IP, which changes with every restart
 */
public record DataplaneTls(Path certificateChain, Path privateKey, Path trustedCa, String serverName) {

    public static final String DEFAULT_SERVER_NAME = "peregrine-dataplane";

    /** @throws DataplaneConfigException naming the file that is missing */
    public DataplaneTls {
        for (Path p : new Path[] {certificateChain, privateKey, trustedCa}) {
            if (p == null || !Files.isReadable(p)) {
                throw new DataplaneConfigException("TLS file " + p + " is not readable; mount the operator's"
                        + " client certificate Secret (tls.crt, tls.key, ca.crt) and point the --tls-* options at it");
            }
        }
        if (serverName == null || serverName.isBlank()) {
            serverName = DEFAULT_SERVER_NAME;
        }
    }
}
