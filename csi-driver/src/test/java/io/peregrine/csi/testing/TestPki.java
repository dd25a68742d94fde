package io.peregrine.csi.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A certificate authority made in the test: PEM files (EC P-256, PKCS#8 keys) in a directory. */
public final class TestPki {

    /** A leaf's certificate and key, and the CA that signed it. */
    public record Leaf(Path certificate, Path key, Path ca) {}

    private final Path dir;
    private final String caName;
    private final KeyPair caKeys;
    private long serial = 1;

    public TestPki(Path dir, String caName) throws GeneralSecurityException, IOException {
        this.dir = dir;
        this.caName = caName;
        this.caKeys = keys();
        write(caFile(), "CERTIFICATE", certificate(caName, caKeys, null, true).getEncoded());
    }

    public Path caFile() {
        return dir.resolve(caName + "-ca.crt");
    }

    /** A leaf signed by this CA whose subject alternative name is {@code dnsName}. */
    public Leaf issue(String name, String dnsName) throws GeneralSecurityException, IOException {
        KeyPair keys = keys();
        Path crt = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        write(crt, "CERTIFICATE", certificate(name, keys, dnsName, false).getEncoded());
        write(key, "PRIVATE KEY", keys.getPrivate().getEncoded());
        return new Leaf(crt, key, caFile());
    }

    private static KeyPair keys() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    private X509Certificate certificate(String subject, KeyPair keys, String dnsName, boolean ca)
            throws GeneralSecurityException, IOException {
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(
                new X500Name("CN=" + caName),
                BigInteger.valueOf(serial++),
                Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(Duration.ofDays(1))),
                new X500Name("CN=" + subject),
                keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (dnsName != null) {
            builder.addExtension(
                    Extension.subjectAlternativeName,
                    false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
        }
        PrivateKey signer = caKeys.getPrivate(); // the CA signs itself and every leaf
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static void write(Path file, String type, byte[] der) throws IOException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
    }
}
