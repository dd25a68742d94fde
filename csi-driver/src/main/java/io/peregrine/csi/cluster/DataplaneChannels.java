package io.peregrine.csi.cluster;

import io.grpc.ManagedChannel;

/** Opens channels to dataplanes' management APIs; {@link NettyDataplaneChannels} in production. */
public interface DataplaneChannels {

    /** @throws IllegalArgumentException when this endpoint cannot be reached with this configuration */
    ManagedChannel open(ManagementEndpoint endpoint);

    /**
     * Changes whenever channels opened from now on would differ from earlier ones (new client
     * certificate), so cached channels are rebuilt.
     */
    default long generation() {
        return 0;
    }
}
