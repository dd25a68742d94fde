package io.peregrine.nvmf.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.peregrine.nvmf.core.Nqn;
import io.peregrine.nvmf.core.Port;
import io.peregrine.nvmf.host.HostController;
import io.peregrine.nvmf.host.HostOptions;
import io.peregrine.nvmf.host.NvmeTcpHost;
import io.peregrine.nvmf.namespace.MemoryNamespace;
import io.peregrine.nvmf.target.NvmfTarget;
import io.peregrine.nvmf.testing.SyncIo;
import java.net.InetSocketAddress;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The target serves on every Netty transport that loads here, and with spinning event loops. */
class TransportFlavorTest {

    @ParameterizedTest
    @EnumSource(TransportFlavor.class)
    void servesIoOnEachTransport(TransportFlavor flavor) {
        assumeTrue(flavor.available(), () -> flavor + " does not load here: " + flavor.unavailabilityCause());
        UUID volume = UUID.randomUUID();
        String hostNqn = Nqn.forHost(UUID.randomUUID());
        try (NvmfTarget target = NvmfTarget.builder()
                        .threads(1)
                        .flavor(flavor)
                        .spin(SpinPolicy.micros(20))
                        .build();
                NvmeTcpHost host = NvmeTcpHost.create(1, SpinPolicy.micros(20))) {
            assertEquals(flavor, TransportFlavor.of(target.eventLoopGroup()));
            Port port = target.listen(new InetSocketAddress("127.0.0.1", 0));
            target.exportVolume(volume, new MemoryNamespace(4096, 64)).allowHost(hostNqn);
            try (HostController controller = host.connect(
                    HostOptions.builder(new InetSocketAddress("127.0.0.1", port.port()), Nqn.forVolume(volume))
                            .hostNqn(hostNqn)
                            .build())) {
                ByteBuf out = PooledByteBufAllocator.DEFAULT
                        .directBuffer(4096)
                        .writeLong(0x1234_5678_9ABCL)
                        .writeZero(4088);
                ByteBuf in = PooledByteBufAllocator.DEFAULT.directBuffer(4096);
                try {
                    assertEquals(0, SyncIo.write(controller.ioQueues().getFirst(), 1, 5, 1, out));
                    assertEquals(0, SyncIo.read(controller.ioQueues().getFirst(), 1, 5, 1, in, 4096));
                    assertEquals(0x1234_5678_9ABCL, in.getLong(0));
                } finally {
                    out.release();
                    in.release();
                }
            }
        }
    }
}
