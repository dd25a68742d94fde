package io.peregrine.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.peregrine.dataplane.api.v1.CheckPoolRequest;
import io.peregrine.dataplane.api.v1.CheckPoolResponse;
import io.peregrine.dataplane.api.v1.CreateVolumeRequest;
import io.peregrine.dataplane.api.v1.Export;
import io.peregrine.dataplane.api.v1.ExportServiceGrpc;
import io.peregrine.dataplane.api.v1.GetExportRequest;
import io.peregrine.dataplane.api.v1.PublishVolumeRequest;
import io.peregrine.dataplane.api.v1.Volume;
import io.peregrine.dataplane.api.v1.VolumeServiceGrpc;
import io.peregrine.nvmf.perf.PerfMain;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "must show": kill -9 of {@code ./peregrine local} during a {@code perf --verify}
 * write run, restart, a verify run passes, and the pool checks clean. Both run as child JVMs,
 * exactly as the launcher starts them.
 */
class KillNineTest {
    @TempDir
    Path dir;

    private static <T> T withApi(Path socket, Function<ManagedChannel, T> call) {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class)
                .eventLoopGroup(group)
                .usePlaintext()
                .build();
        try {
            return call.apply(channel);
        } finally {
            channel.shutdownNow();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static List<String> perf(int port, String nqn, String workload, int seconds) {
        return List.of(
                "-r",
                "trtype:tcp traddr:127.0.0.1 trsvcid:" + port + " subnqn:" + nqn,
                "-w",
                workload,
                "-q",
                "16",
                "-o",
                "4K",
                "-t",
                Integer.toString(seconds),
                "--warmup",
                "0",
                "--span",
                "32M",
                "--verify");
    }

    @Test
    void killDuringVerifiedWritesThenRestartVerifyAndCheck() throws Exception {
        Path data = dir.resolve("data");
        Path socket = data.resolve("dataplane.sock");
        String nqn;
        try (LocalProcess node = LocalProcess.local(data)) {
            int port = node.awaitReady();
            Export export = withApi(socket, ch -> {
                Volume v = VolumeServiceGrpc.newBlockingStub(ch)
                        .createVolume(CreateVolumeRequest.newBuilder()
                                .setPool(LocalMain.POOL)
                                .setName("demo")
                                .setSizeBytes(64L << 20)
                                .build());
                return ExportServiceGrpc.newBlockingStub(ch)
                        .publishVolume(PublishVolumeRequest.newBuilder()
                                .setVolumeUuid(v.getUuid())
                                .setAllowAnyHost(true)
                                .build());
            });
            nqn = export.getSubsystemNqn();
            try (LocalProcess writer = LocalProcess.start(PerfMain.class, perf(port, nqn, "randwrite", 8))) {
                Thread.sleep(4000); // the write run is well under way
                node.kill();
                // the writer must notice the lost target by itself and say so, not hang
                assertEquals(1, writer.waitFor(60), writer.output());
                assertTrue(writer.output().contains("lost after"), writer.output());
            }
        }

        try (LocalProcess node = LocalProcess.local(data)) {
            int port = node.awaitReady();
            assertTrue(
                    node.output().contains("recovered after an unclean stop")
                            || node.output().contains("replayed"),
                    "the import should say it recovered:\n" + node.output());
            Export back = withApi(
                    socket,
                    ch -> ExportServiceGrpc.newBlockingStub(ch)
                            .getExport(GetExportRequest.newBuilder()
                                    .setVolumeUuid(nqn.substring(nqn.lastIndexOf(':') + 1))
                                    .build()));
            assertTrue(back.getAllowAnyHost(), back.toString());
            try (LocalProcess verify = LocalProcess.start(PerfMain.class, perf(port, nqn, "randrw", 3))) {
                assertEquals(0, verify.waitFor(60), verify.output());
            }
            CheckPoolResponse check = withApi(
                    socket,
                    ch -> io.peregrine.dataplane.api.v1.PoolServiceGrpc.newBlockingStub(ch)
                            .checkPool(CheckPoolRequest.newBuilder()
                                    .setName(LocalMain.POOL)
                                    .build()));
            assertTrue(check.getClean(), check.toString());
            // 143: the JVM reports a SIGTERM stop as 128 + 15 even when the shutdown was clean
            assertEquals(143, node.stop(), node.output());
        }
        // that stop was clean: the next import has nothing to recover
        try (LocalProcess node = LocalProcess.local(data)) {
            node.awaitReady();
            assertTrue(node.output().contains("exported cleanly"), node.output());
            assertEquals(143, node.stop(), node.output());
        }
    }
}
