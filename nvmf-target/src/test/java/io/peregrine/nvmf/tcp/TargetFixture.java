package io.peregrine.nvmf.tcp;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.peregrine.nvmf.buffer.IoBufferPools;
import io.peregrine.nvmf.core.Nqn;
import io.peregrine.nvmf.core.Subsystem;
import io.peregrine.nvmf.core.Target;
import io.peregrine.nvmf.core.TargetLimits;
import io.peregrine.nvmf.namespace.MemoryNamespace;
import io.peregrine.nvmf.target.NvmfTarget;
import java.util.UUID;

/** A target with one volume subsystem and one allowed host, for {@link Wire} tests. */
final class TargetFixture implements AutoCloseable {
    static final UUID VOLUME = UUID.fromString("6a1f0c7e-0d3b-4e59-9a4d-2b8c1e7f3a90");
    static final String SUBNQN = Nqn.forVolume(VOLUME);
    static final UUID HOST_ID = UUID.fromString("0b6f7a1c-2d3e-4f50-8a9b-0c1d2e3f4a5b");
    static final String HOSTNQN = Nqn.forHost(HOST_ID);

    final Target target = new Target(TargetLimits.DEFAULT, NvmfTarget.commandSets());
    final IoBufferPools pools =
            IoBufferPools.arenaBacked(UnpooledByteBufAllocator.DEFAULT, TargetLimits.DEFAULT.maxTransferSize());
    final MemoryNamespace namespace = new MemoryNamespace(4096, 1024, 4096);
    final Subsystem subsystem;

    TargetFixture() {
        subsystem = target.exportVolume(VOLUME, namespace);
        subsystem.allowHost(HOSTNQN);
    }

    Wire wire() {
        return new Wire(target, pools);
    }

    /** A wire with an enabled admin queue (KATO 0: no keep-alive timer). */
    Wire admin(boolean headerDigest, boolean dataDigest) {
        Wire wire = wire();
        wire.initialize(headerDigest, dataDigest);
        int status = Wire.status(wire.connect(0, 31, 0, HOST_ID, 0xFFFF, SUBNQN, HOSTNQN));
        if (status != 0)
            throw new AssertionError("admin Connect failed: " + io.peregrine.nvme.spec.Status.describe(status));
        wire.enable();
        return wire;
    }

    @Override
    public void close() {
        target.disconnectAll("test over");
        pools.close();
    }
}
