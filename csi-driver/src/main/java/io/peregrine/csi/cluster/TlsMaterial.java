package io.peregrine.csi.cluster;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLException;

/**
 * The client TLS context for dataplane channels, reloaded when its files change: cert-manager
 * renews the Secret and the kubelet swaps the mounted files without restarting the pod. The
 * files are looked at no more often than every {@code recheck}; each reload bumps the
 * generation, which tells {@link ChannelCache} to build new channels (TLS is negotiated per
 * connection, so a channel keeps the context it was built with). A half-written or mismatched
 * set of files keeps the previous context until the set is whole again.
 */
public final class TlsMaterial {

    private static final Logger LOG = System.getLogger(TlsMaterial.class.getName());

    /** A context and the generation it belongs to. */
    public record Loaded(long generation, SslContext context) {}

    private final DataplaneTls tls;
    private final Duration recheck;
    private final LongSupplier nanoClock;
    private Loaded current;
    private List<Object> stamp;
    private long checkedAt;

    /** @throws IllegalArgumentException when the files do not make a client TLS context */
    public TlsMaterial(DataplaneTls tls, Duration recheck, LongSupplier nanoClock) {
        this.tls = tls;
        this.recheck = recheck;
        this.nanoClock = nanoClock;
        this.stamp = stamp();
        this.current = new Loaded(1, build());
        this.checkedAt = nanoClock.getAsLong();
    }

    public TlsMaterial(DataplaneTls tls) {
        this(tls, Duration.ofSeconds(10), System::nanoTime);
    }

    public DataplaneTls files() {
        return tls;
    }

    /** The context to build a channel with, reloaded first if the files changed. */
    public synchronized Loaded current() {
        long now = nanoClock.getAsLong();
        if (now - checkedAt < recheck.toNanos()) return current;
        checkedAt = now;
        List<Object> seen = stamp();
        if (seen.equals(stamp)) return current;
        try {
            SslContext context = build();
            stamp = seen;
            current = new Loaded(current.generation() + 1, context);
            LOG.log(Level.INFO, "reloaded the dataplane client certificate from {0}", tls.certificateChain());
        } catch (IllegalArgumentException e) {
            // mid-rotation: try again at the next check, meanwhile the old context serves
            LOG.log(Level.WARNING, "keeping the previous dataplane client certificate: {0}", e.getMessage());
        }
        return current;
    }

    private SslContext build() {
        try {
            return GrpcSslContexts.forClient()
                    .keyManager(
                            tls.certificateChain().toFile(), tls.privateKey().toFile())
                    .trustManager(tls.trustedCa().toFile())
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "cannot load the dataplane client TLS files (" + tls.certificateChain() + ", " + tls.privateKey()
                            + ", " + tls.trustedCa() + "): " + e.getMessage(),
                    e);
        }
    }

    /** Modification times and sizes of the three files (following the kubelet's symlinks). */
    private List<Object> stamp() {
        List<Object> out = new ArrayList<>();
        for (Path p : List.of(tls.certificateChain(), tls.privateKey(), tls.trustedCa())) {
            try {
                out.add(Files.getLastModifiedTime(p));
                out.add(Files.size(p));
            } catch (IOException e) {
                out.add("unreadable: " + e.getMessage());
            }
        }
        return out;
    }
}
