package io.peregrine.operator.testing;

import io.grpc.Channel;
import io.peregrine.dataplane.api.v1.Device;
import io.peregrine.dataplane.api.v1.GetNodeInfoRequest;
import io.peregrine.dataplane.api.v1.ListPoolsRequest;
import io.peregrine.dataplane.api.v1.NodeServiceGrpc;
import io.peregrine.dataplane.api.v1.Pool;
import io.peregrine.dataplane.api.v1.PoolServiceGrpc;
import io.peregrine.operator.dataplane.ChannelFactory;
import java.util.List;
import java.util.Optional;

/**
 * The dataplanes a test runs the operator against — the one place to swap the in-process test
 * double for real daemons when the dataplane daemon lands: implement this over daemons started in
 * process (file-backed disks in a temp directory, the management API on a Unix socket per node,
 * {@code NettyChannelFactory} as {@link #channels()}) and return it from {@link #forTests()}.
 * Tests look at the dataplane only through its API ({@link Node#loadedPools}, {@link Node#poolOn});
 * just two use {@link Node#testDouble} for faults a real daemon cannot be told to have.
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

        /** Names of the pools the dataplane has loaded, asked through its API (ListPools). */
        default List<String> loadedPools() {
            return PoolServiceGrpc.newBlockingStub(channel())
                    .listPools(ListPoolsRequest.getDefaultInstance())
                    .getPoolsList()
                    .stream()
                    .map(Pool::getName)
                    .toList();
        }

        /** The pool a disk holds, loaded or not, or null; asked through the API (NodeInfo devices). */
        default String poolOn(String disk) {
            return NodeServiceGrpc.newBlockingStub(channel())
                    .getNodeInfo(GetNodeInfoRequest.getDefaultInstance())
                    .getDevicesList()
                    .stream()
                    .filter(d -> d.getUri().equals(disk) && !d.getPool().isEmpty())
                    .map(Device::getPool)
                    .findFirst()
                    .orElse(null);
        }
    }
}
