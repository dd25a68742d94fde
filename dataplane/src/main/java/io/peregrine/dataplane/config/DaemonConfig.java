package io.peregrine.dataplane.config;

import io.peregrine.dataplane.reactor.CoreList;
import io.peregrine.nvmf.tcp.TransportFlavor;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The daemon's settings, checked ({@link ConfigLoader} makes one from a file, flags and the
 * environment). Addresses may use port 0 (tests): the bound port is what the daemon reports.
 *
 * @param cores the CPUs to pin one reactor to each; empty: {@code reactorCount} unpinned reactors
 * @param metricsListen empty: no metrics endpoint
 * @param managementListen empty: the management API is on the Unix socket only
 */
public record DaemonConfig(
        String nodeName,
        Path dataDir,
        Optional<CoreList> cores,
        int reactorCount,
        long spinMicros,
        TransportFlavor transport,
        long hugepagesMiB,
        InetSocketAddress targetListen,
        Optional<String> targetAdvertise,
        Path managementSocket,
        Optional<InetSocketAddress> managementListen,
        Optional<Tls> tls,
        Optional<InetSocketAddress> metricsListen,
        Optional<String> hostNqn,
        String logLevel) {

    /** The management API's mutual TLS: our certificate chain, its key, and the CA clients must chain to. */
    public record Tls(Path certificateChain, Path privateKey, Path clientCa) {}

    /** Reactors that will run: one per listed CPU, or the unpinned count. */
    public int reactors() {
        return cores.map(CoreList::size).orElse(reactorCount);
    }

    public DaemonConfig withDataDir(Path dir) {
        return new DaemonConfig(
                nodeName,
                dir,
                cores,
                reactorCount,
                spinMicros,
                transport,
                hugepagesMiB,
                targetListen,
                targetAdvertise,
                managementSocket,
                managementListen,
                tls,
                metricsListen,
                hostNqn,
                logLevel);
    }
}
