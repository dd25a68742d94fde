package io.peregrine.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Secret;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The certificates Helm generates (tls.mode=helm) are usable by Netty without BouncyCastle: keys
 * are PKCS#8 ("BEGIN PRIVATE KEY") and match their certificates, both certificates chain to the
 * CA, and the server certificate carries the name clients check.
 */
class GeneratedTlsTest {

    private static final RenderedChart CHART = RenderedChart.render(Map.of());

    @Test
    void serverAndClientCertificatesAreUsable() throws Exception {
        Secret server = CHART.one(Secret.class, "peregrine-dataplane-tls");
        Secret client = CHART.one(Secret.class, "peregrine-client-tls");
        assertEquals("kubernetes.io/tls", server.getType());
        assertEquals(server.getData().get("ca.crt"), client.getData().get("ca.crt"), "one CA for both");

        X509Certificate ca = certificate(server, "ca.crt");
        assertEquals(ca.getSubjectX500Principal(), ca.getIssuerX500Principal());
        assertTrue(ca.getBasicConstraints() >= 0, "the CA certificate is a CA");

        X509Certificate serverCert = checkPair(server, ca);
        assertTrue(
                serverCert.getSubjectAlternativeNames().stream()
                        .anyMatch(n -> n.get(1).equals("peregrine-dataplane")),
                () -> "SANs: " + subjectAltNames(serverCert));
        X509Certificate clientCert = checkPair(client, ca);
        assertNotEquals(serverCert.getPublicKey(), clientCert.getPublicKey());
    }

    @Test
    void eachRenderingMintsNewKeys() {
        String first =
                CHART.one(Secret.class, "peregrine-dataplane-tls").getData().get("tls.key");
        String second = RenderedChart.render(Map.of())
                .one(Secret.class, "peregrine-dataplane-tls")
                .getData()
                .get("tls.key");
        assertNotEquals(first, second);
    }

    private static X509Certificate checkPair(Secret secret, X509Certificate ca) throws Exception {
        X509Certificate cert = certificate(secret, "tls.crt");
        cert.verify(ca.getPublicKey());
        cert.checkValidity();

        String pem = decode(secret, "tls.key");
        assertTrue(
                pem.startsWith("-----BEGIN PRIVATE KEY-----\n"),
                () -> "not PKCS#8 PEM: " + pem.lines().findFirst());
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("EC")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));

        // the key is the certificate's: what it signs, the certificate's public key verifies
        byte[] message = "peregrine".getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(message);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(cert.getPublicKey());
        verifier.update(message);
        assertTrue(verifier.verify(signature), "tls.key does not belong to tls.crt");
        return cert;
    }

    private static X509Certificate certificate(Secret secret, String key) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(
                        new ByteArrayInputStream(decode(secret, key).getBytes(StandardCharsets.US_ASCII)));
    }

    private static String decode(Secret secret, String key) {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.US_ASCII);
    }

    private static List<String> subjectAltNames(X509Certificate cert) {
        try {
            return cert.getSubjectAlternativeNames().stream()
                    .map(n -> String.valueOf(n.get(1)))
                    .toList();
        } catch (Exception e) {
            return List.of(e.toString());
        }
    }
}
