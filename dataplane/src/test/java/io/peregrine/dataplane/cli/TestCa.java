package io.peregrine.dataplane.cli;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
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

/** A certificate authority made for one test: its certificate and the leaves it signs, as PEM files. */
final class TestCa {
    /** A certificate, its PKCS#8 key, and the CA certificate that signed it. */
    record Leaf(Path certificate, Path key, Path ca) {}

    private final Path dir;
    private final X500Name name;
    private final KeyPair keys;
    private final Path caFile;
    private long serial = 1;

    TestCa(Path dir, String cn) throws GeneralSecurityException, IOException {
        this.dir = Files.createDirectories(dir);
        this.name = new X500Name("CN=" + cn);
        this.keys = ecKeys();
        this.caFile = dir.resolve(cn + ".crt");
        pem(caFile, "CERTIFICATE", sign(name, keys, null, true).getEncoded());
    }

    /** A leaf for {@code cn} with the DNS subject alternative name {@code dns}. */
    Leaf issue(String cn, String dns) throws GeneralSecurityException, IOException {
        KeyPair leaf = ecKeys();
        Path crt = dir.resolve(cn + ".crt");
        Path key = dir.resolve(cn + ".key");
        pem(crt, "CERTIFICATE", sign(new X500Name("CN=" + cn), leaf, dns, false).getEncoded());
        pem(key, "PRIVATE KEY", leaf.getPrivate().getEncoded());
        return new Leaf(crt, key, caFile);
    }

    private X509Certificate sign(X500Name subject, KeyPair subjectKeys, String dns, boolean ca)
            throws GeneralSecurityException, IOException {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                name,
                BigInteger.valueOf(serial++),
                Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(1))),
                subject,
                subjectKeys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (dns != null) {
            b.addExtension(
                    Extension.subjectAlternativeName,
                    false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, dns)));
        }
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    private static void pem(Path file, String type, byte[] der) throws IOException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
    }
}
