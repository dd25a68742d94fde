package io.peregrine.nvmf.host;

import io.peregrine.nvmf.core.Nqn;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * Where and how a host connects (the options of {@code nvme connect}).
 *
 * @param address the controller's address
 * @param subsystemNqn the subsystem to connect to (SUBNQN)
 * @param hostNqn this host's NQN (HOSTNQN)
 * @param hostId this host's identifier (HOSTID)
 * @param ioQueues I/O queues to create (fewer if the controller grants fewer)
 * @param queueSize entries per I/O queue (commands outstanding at most one less)
 * @param headerDigest ask for header digests
 * @param dataDigest ask for data digests
 * @param keepAlive KATO; {@link Duration#ZERO} disables keep alive
 * @param disableSqFlowControl ask the controller to drop SQ flow control (lets reads complete
 *     with the SUCCESS flag, no CapsuleResp)
 * @param timeout how long connection steps and admin commands may take
 * @param commandTimeout how long any command may stay outstanding before the host gives up on its
 *     connection (Linux's io_timeout); {@link Duration#ZERO} waits forever. A controller that stops
 *     answering altogether is noticed sooner, within KATO, by keep alive.
 */
public record HostOptions(
        InetSocketAddress address,
        String subsystemNqn,
        String hostNqn,
        UUID hostId,
        int ioQueues,
        int queueSize,
        boolean headerDigest,
        boolean dataDigest,
        Duration keepAlive,
        boolean disableSqFlowControl,
        Duration timeout,
        Duration commandTimeout) {

    public HostOptions {
        Objects.requireNonNull(address, "address");
        Nqn.require(subsystemNqn);
        Nqn.require(hostNqn);
        Objects.requireNonNull(hostId, "hostId");
        if (ioQueues < 0 || ioQueues > 65535)
            throw new IllegalArgumentException("I/O queues: 0..65535, got " + ioQueues);
        if (queueSize < 2 || queueSize > 65536)
            throw new IllegalArgumentException("queue size: 2..65536, got " + queueSize);
        Objects.requireNonNull(keepAlive, "keepAlive");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        if (keepAlive.isNegative()) throw new IllegalArgumentException("keep alive must not be negative");
        if (commandTimeout.isNegative()) throw new IllegalArgumentException("command timeout must not be negative");
    }

    public static Builder builder(InetSocketAddress address, String subsystemNqn) {
        return new Builder(address, subsystemNqn);
    }

    /** Builds {@link HostOptions}; defaults follow the Linux host's. */
    public static final class Builder {
        private final InetSocketAddress address;
        private final String subsystemNqn;
        private UUID hostId = UUID.randomUUID();
        private String hostNqn;
        private int ioQueues = 1;
        private int queueSize = 128;
        private boolean headerDigest;
        private boolean dataDigest;
        private Duration keepAlive = Duration.ofSeconds(5);
        private boolean disableSqFlowControl = true;
        private Duration timeout = Duration.ofSeconds(10);
        private Duration commandTimeout = Duration.ofSeconds(30);

        private Builder(InetSocketAddress address, String subsystemNqn) {
            this.address = address;
            this.subsystemNqn = subsystemNqn;
        }

        public Builder hostNqn(String value) {
            this.hostNqn = value;
            return this;
        }

        public Builder hostId(UUID value) {
            this.hostId = value;
            return this;
        }

        public Builder ioQueues(int value) {
            this.ioQueues = value;
            return this;
        }

        public Builder queueSize(int value) {
            this.queueSize = value;
            return this;
        }

        public Builder digests(boolean header, boolean data) {
            this.headerDigest = header;
            this.dataDigest = data;
            return this;
        }

        public Builder keepAlive(Duration value) {
            this.keepAlive = value;
            return this;
        }

        public Builder disableSqFlowControl(boolean value) {
            this.disableSqFlowControl = value;
            return this;
        }

        public Builder timeout(Duration value) {
            this.timeout = value;
            return this;
        }

        /** How long a command may be outstanding before its queue is failed; ZERO: no limit. */
        public Builder commandTimeout(Duration value) {
            this.commandTimeout = value;
            return this;
        }

        public HostOptions build() {
            String nqn = hostNqn != null ? hostNqn : Nqn.forHost(hostId);
            return new HostOptions(
                    address,
                    subsystemNqn,
                    nqn,
                    hostId,
                    ioQueues,
                    queueSize,
                    headerDigest,
                    dataDigest,
                    keepAlive,
                    disableSqFlowControl,
                    timeout,
                    commandTimeout);
        }
    }
}
