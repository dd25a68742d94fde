package io.peregrine.operator.testing;

import io.grpc.Channel;
import io.peregrine.operator.dataplane.ChannelFactory;
import java.util.List;
import java.util.Optional;

/**
 * The dataplanes a test runs the operator against — the one place to swap the in-process test
 * double for real daemons when the dataplane daemon lands: implement this over daemons started in
 * process (file-backed disks in a temp directory, the management API on a Unix socket per node,
 * {@code NettyChannelFactory} as {@link #channels()}) and return it from {@link #forTests()}.
 */
public interface Dataplanes extends AutoCloseable {

    static Dataplanes forTests() {
        return new InProcessDataplanes();
    }

    /** Starts a dataplane for {@code nodeName} with {@code disks} empty 1 GiB disks. */
    Node start(String nodeName, int disks);

    /** How the operator and node agents reach these dataplanes' endpoints. */
    ChannelFactory channels();

    @Override
    void close();

    /** One node's dataplane. */
    interface Node {
        String nodeName();

        /** The management endpoint its node agent advertises. */
        String endpoint();

        /** URIs of its disks, as DiskPools name them. */
        List<String> disks();

        /** A channel to its management API, for the test and its node agent. */
        Channel channel();

        /** The daemon goes down; its disks keep what was written. */
        void stop();

        /** The daemon comes back on the same disks. */
        void start();

        /** The in-process double behind it, for fault injection; empty for a real daemon. */
        Optional<DataplaneDouble> testDouble();
    }
}
