package io.peregrine.nvmf.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.peregrine.nvme.spec.IdentifyController;
import io.peregrine.nvme.spec.NamespaceIdDescriptor;
import io.peregrine.nvmf.core.Nqn;
import io.peregrine.nvmf.core.Port;
import io.peregrine.nvmf.core.Subsystem;
import io.peregrine.nvmf.host.HostController;
import io.peregrine.nvmf.host.HostOptions;
import io.peregrine.nvmf.host.HostQueue;
import io.peregrine.nvmf.host.NvmeTcpHost;
import io.peregrine.nvmf.namespace.MemoryNamespace;
import io.peregrine.nvmf.target.NvmfTarget;
import io.peregrine.nvmf.testing.LeakCheck;
import io.peregrine.nvmf.testing.SyncIo;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Our host against our target over loopback TCP: connect, identify, every I/O command, with and without digests. */
@ExtendWith(LeakCheck.class)
class LoopbackIoTest {
    private static final UUID VOLUME = UUID.fromString("0f5c0d9e-8a43-4f3a-9a53-1c2d3e4f5a6b");
    private static final String HOST = Nqn.forHost(UUID.fromString("11111111-2222-3333-4444-555555555555"));
    private static NvmfTarget target;
    private static Port port;
    private static NvmeTcpHost host;

    @BeforeAll
    static void start() {
        target = NvmfTarget.builder().threads(2).build();
        port = target.listen(new InetSocketAddress("127.0.0.1", 0));
        Subsystem subsystem = target.exportVolume(VOLUME, new MemoryNamespace(4096, 16384));
        subsystem.allowHost(HOST);
        host = NvmeTcpHost.create(2);
    }

    @AfterAll
    static void stop() {
        host.close();
        target.close();
    }

    private static HostController connect(boolean headerDigest, boolean dataDigest) {
        return host.connect(HostOptions.builder(new InetSocketAddress("127.0.0.1", port.port()), Nqn.forVolume(VOLUME))
                .hostNqn(HOST)
                .ioQueues(2)
                .queueSize(64)
                .digests(headerDigest, dataDigest)
                .build());
    }

    @ParameterizedTest(name = "header digest {0}, data digest {1}")
    @CsvSource({"false,false", "true,false", "false,true", "true,true"})
    void writesAndReadsBackEveryTransferShape(boolean headerDigest, boolean dataDigest) {
        try (HostController controller = connect(headerDigest, dataDigest)) {
            MemorySegment id = controller.identifyController();
            assertEquals(Nqn.forVolume(VOLUME), IdentifyController.SUBNQN.get(id));
            assertEquals("Peregrine Volume", IdentifyController.MN.get(id));
            assertEquals(controller.cntlid(), IdentifyController.CNTLID.get(id));
            assertEquals(List.of(1), controller.activeNamespaces());
            HostController.NamespaceInfo ns = controller.namespace(1);
            assertEquals(4096, ns.blockSize());
            assertEquals(16384, ns.blocks());
            assertTrue(controller.namespaceDescriptors(1).contains(NamespaceIdDescriptor.uuid(VOLUME)));
            assertEquals(2, controller.ioQueues().size());

            Random random = new Random(42);
            // 4 KiB and 16 KiB go in the capsule; 64 KiB and 1 MiB go through R2T/H2CData
            int[] sizes = {4096, 16384, 65536, 1 << 20};
            long lba = 0;
            for (int size : sizes) {
                for (HostQueue queue : controller.ioQueues()) {
                    byte[] pattern = new byte[size];
                    random.nextBytes(pattern);
                    ByteBuf out =
                            PooledByteBufAllocator.DEFAULT.directBuffer(size).writeBytes(pattern);
                    ByteBuf in = PooledByteBufAllocator.DEFAULT.directBuffer(size);
                    try {
                        int blocks = size / 4096;
                        assertEquals(0, SyncIo.write(queue, 1, lba, blocks, out), "write status");
                        assertEquals(0, SyncIo.read(queue, 1, lba, blocks, in, size), "read status");
                        byte[] back = new byte[size];
                        in.getBytes(0, back);
                        assertArrayEquals(pattern, back, "data read back at LBA " + lba);
                        lba += blocks;
                    } finally {
                        out.release();
                        in.release();
                    }
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void whenTheTargetDropsTheHostItsQueuesCloseAndCommandsFail() throws Exception {
        UUID other = UUID.randomUUID();
        target.exportVolume(other, new MemoryNamespace(4096, 64)).allowHost(HOST);
        HostController controller =
                host.connect(HostOptions.builder(new InetSocketAddress("127.0.0.1", port.port()), Nqn.forVolume(other))
                        .hostNqn(HOST)
                        .build());
        try {
            target.removeSubsystem(Nqn.forVolume(other));
            controller.adminQueue().closeFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
            for (HostQueue queue : controller.ioQueues()) {
                queue.closeFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
                assertEquals(HostQueue.Phase.CLOSED, queue.phase());
            }
            io.peregrine.nvmf.host.NvmeException failure = org.junit.jupiter.api.Assertions.assertThrows(
                    io.peregrine.nvmf.host.NvmeException.class, () -> controller.namespace(1));
            assertTrue(failure.getMessage().contains("CLOSED"), failure.getMessage());
        } finally {
            controller.close();
        }
    }

    @ParameterizedTest(name = "header digest {0}, data digest {1}")
    @CsvSource({"false,false", "true,true"})
    void flushWriteZeroesAndDeallocate(boolean headerDigest, boolean dataDigest) {
        try (HostController controller = connect(headerDigest, dataDigest)) {
            HostQueue queue = controller.ioQueues().get(0);
            ByteBuf ones = PooledByteBufAllocator.DEFAULT.directBuffer(8192);
            ByteBuf in = PooledByteBufAllocator.DEFAULT.directBuffer(8192);
            ByteBuf ranges = PooledByteBufAllocator.DEFAULT.directBuffer(16);
            try {
                for (int i = 0; i < 8192; i++) ones.writeByte(0xff);
                assertEquals(0, SyncIo.write(queue, 1, 1000, 2, ones));
                assertEquals(0, SyncIo.run(queue, (q, c) -> q.flush(c, 1)));
                assertEquals(0, SyncIo.run(queue, (q, c) -> q.writeZeroes(c, 1, 1000, 1, false)));
                assertEquals(0, SyncIo.read(queue, 1, 1000, 2, in, 8192));
                for (int i = 0; i < 4096; i++) assertEquals(0, in.getByte(i), "zeroed byte " + i);
                for (int i = 4096; i < 8192; i++) assertEquals((byte) 0xff, in.getByte(i), "kept byte " + i);
                // deallocate LBA 1001 (one range: context attributes, length, starting LBA)
                ranges.writeIntLE(0).writeIntLE(1).writeLongLE(1001);
                assertEquals(0, SyncIo.run(queue, (q, c) -> q.deallocate(c, 1, 1, ranges)));
                assertEquals(0, SyncIo.read(queue, 1, 1000, 2, in, 8192));
                for (int i = 0; i < 8192; i++) assertEquals(0, in.getByte(i), "deallocated byte " + i);
            } finally {
                ones.release();
                in.release();
                ranges.release();
            }
        }
    }
}
