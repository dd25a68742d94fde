package io.peregrine.dataplane.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import io.peregrine.dataplane.api.v1.GetNodeInfoRequest;
import io.peregrine.dataplane.api.v1.NodeServiceGrpc;
import io.peregrine.dataplane.config.ConfigLoader;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The management API on TCP: only with mutual TLS. A client with a certificate from our CA gets
 * in; one without a certificate, with a certificate from another CA, or speaking plaintext does
 * not. Certificates are minted per run (BouncyCastle), as the chart's cert-manager would.
 */
class MutualTlsTest {
    @TempDir
    Path dir;

    private record Issued(KeyPair keys, X509Certificate cert) {}

    private static KeyPair keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    private static Issued issue(String cn, Issued ca, boolean isCa, String dnsName) throws Exception {
        KeyPair keys = keys();
        X500Name subject = new X500Name("CN=" + cn);
        Instant now = Instant.now();
        var b = new JcaX509v3CertificateBuilder(
                ca == null
                        ? subject
                        : new X500Name(ca.cert().getSubjectX500Principal().getName()),
                BigInteger.valueOf(now.toEpochMilli()).add(BigInteger.valueOf(cn.hashCode() & 0xffff)),
                Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(Duration.ofDays(1))),
                subject,
                keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (isCa) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        }
        if (dnsName != null) {
            b.addExtension(
                    Extension.subjectAlternativeName,
                    false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
        }
        PrivateKey signer = ca == null ? keys.getPrivate() : ca.keys().getPrivate();
        X509Certificate cert = new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        return new Issued(keys, cert);
    }

    private Path pem(String name, Object object) throws IOException {
        Writer text = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(text)) {
            w.writeObject(object instanceof PrivateKey key ? new JcaPKCS8Generator(key, null) : object);
        }
        Path file = dir.resolve(name);
        Files.writeString(file, text.toString());
        return file;
    }

    private ManagedChannel channel(InetSocketAddress address, SslContextBuilder tls) throws SSLException {
        return NettyChannelBuilder.forAddress("127.0.0.1", address.getPort())
                .overrideAuthority("peregrine-dataplane")
                .sslContext(tls.build())
                .build();
    }

    private static String nodeName(ManagedChannel channel) {
        try {
            return NodeServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getNodeInfo(GetNodeInfoRequest.getDefaultInstance())
                    .getNodeName();
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void onlyClientsOfOurCaGetIn() throws Exception {
        Issued ca = issue("peregrine-ca", null, true, null);
        Issued server = issue("peregrine-dataplane", ca, false, "peregrine-dataplane");
        Issued client = issue("peregrine-csi-controller", ca, false, null);
        Issued otherCa = issue("someone-else", null, true, null);
        Issued stranger = issue("stranger", otherCa, false, null);
        Path caPem = pem("ca.pem", ca.cert());

        var config = TestDaemons.config(
                dir,
                "--management.listen",
                "127.0.0.1:0",
                "--management.tls.cert",
                pem("server.pem", server.cert()).toString(),
                "--management.tls.key",
                pem("server.key", server.keys().getPrivate()).toString(),
                "--management.tls.ca",
                caPem.toString());
        try (Daemon daemon = Daemon.start(config)) {
            InetSocketAddress tcp = daemon.management().tcpAddress().orElseThrow();
            Path clientCert = pem("client.pem", client.cert());
            Path clientKey = pem("client.key", client.keys().getPrivate());

            assertEquals(
                    "test-node",
                    nodeName(channel(
                            tcp,
                            GrpcSslContexts.forClient()
                                    .trustManager(caPem.toFile())
                                    .keyManager(clientCert.toFile(), clientKey.toFile()))));

            // no client certificate
            assertRefused(
                    () -> nodeName(channel(tcp, GrpcSslContexts.forClient().trustManager(caPem.toFile()))));
            // a certificate our CA did not sign
            assertRefused(() -> nodeName(channel(
                    tcp,
                    GrpcSslContexts.forClient()
                            .trustManager(caPem.toFile())
                            .keyManager(
                                    pem("stranger.pem", stranger.cert()).toFile(),
                                    pem("stranger.key", stranger.keys().getPrivate())
                                            .toFile()))));
            // plaintext
            assertRefused(() -> {
                ManagedChannel plain = NettyChannelBuilder.forAddress("127.0.0.1", tcp.getPort())
                        .usePlaintext()
                        .build();
                return nodeName(plain);
            });
        }
    }

    private interface Call {
        String run() throws Exception;
    }

    private static void assertRefused(Call call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(
                Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
    }

    @Test
    void tcpWithoutTlsIsRefusedAtStart() {
        var e = assertThrows(
                ConfigLoader.UsageException.class, () -> TestDaemons.config(dir, "--management.listen", "127.0.0.1:0"));
        assertTrue(e.getMessage().contains("mutual TLS"), e.getMessage());
    }
}
