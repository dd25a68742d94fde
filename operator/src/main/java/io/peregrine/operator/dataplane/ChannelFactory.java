package io.peregrine.operator.dataplane;

import io.grpc.ManagedChannel;

/** Opens a gRPC channel to one dataplane. {@link NettyChannelFactory} is the production one. */
@FunctionalInterface
public interface ChannelFactory {

    /**
     * @throws DataplaneConfigException when this process cannot reach that kind of endpoint (no TLS
     *     material for a TCP endpoint); the message says which option is missing
     */
    ManagedChannel open(ManagementEndpoint endpoint);

    /** Releases what the factory shares between channels (event loops). */
    default void close() {}
}
