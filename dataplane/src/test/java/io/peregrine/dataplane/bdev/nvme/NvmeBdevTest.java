package io.peregrine.dataplane.bdev.nvme;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.bdev.BdevChannel;
import io.peregrine.dataplane.bdev.BdevException;
import io.peregrine.dataplane.bdev.Bdevs;
import io.peregrine.dataplane.bdev.InvalidBdevUriException;
import io.peregrine.dataplane.bdev.IoBuffer;
import io.peregrine.dataplane.bdev.IoCompletion;
import io.peregrine.dataplane.bdev.IoStatus;
import io.peregrine.dataplane.bdev.IoType;
import io.peregrine.dataplane.check.PoolChecker;
import io.peregrine.dataplane.lvol.LvolStore;
import io.peregrine.dataplane.lvol.PoolOptions;
import io.peregrine.dataplane.lvol.Volume;
import io.peregrine.dataplane.lvol.VolumeChannel;
import io.peregrine.dataplane.reactor.IdlePolicy;
import io.peregrine.dataplane.reactor.Reactor;
import io.peregrine.nvme.spec.Status;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The NVMe bdev against the driver's software controller (emu://). */
class NvmeBdevTest {
    @TempDir
    Path dir;

    private static IoStatus io(Reactor r, Consumer<IoCompletion> op) {
        CompletableFuture<IoStatus> f = new CompletableFuture<>();
        op.accept(f::complete);
        return r.runUntil(f);
    }

    @Test
    void transfersLargerThanMdtsAreSplitAndAFullQueueHoldsRequestsBack() throws Exception {
        Reactor r = Reactor.onCurrentThread("nvme", IdlePolicy.DEFAULT);
        // mdts=1: 8 KiB per command; entries=4: three commands in flight at most
        try (Bdev bdev = Bdevs.open("emu://?size=64M&mdts=1&entries=4")) {
            BdevChannel ch = bdev.openChannel(r.core());
            byte[] data = new byte[256 * 1024];
            new Random(1).nextBytes(data);
            try (IoBuffer buf = bdev.allocateBuffer(data.length)) {
                java.lang.foreign.MemorySegment.copy(data, 0, buf.segment(), ValueLayout.JAVA_BYTE, 0, data.length);
                int blocks = data.length / bdev.blockSize();
                assertEquals(IoStatus.SUCCESS, io(r, cb -> ch.write(64, blocks, buf.segment(), 0, cb)));
                buf.segment().fill((byte) 0);
                assertEquals(IoStatus.SUCCESS, io(r, cb -> ch.read(64, blocks, buf.segment(), 0, cb)));
                assertArrayEquals(data, buf.segment().asSlice(0, data.length).toArray(ValueLayout.JAVA_BYTE));
                // many at once: the queue takes three, the rest wait in the channel
                CompletableFuture<?>[] all = new CompletableFuture<?>[32];
                for (int i = 0; i < all.length; i++) {
                    CompletableFuture<IoStatus> f = new CompletableFuture<>();
                    ch.read(i * 8L, 8, buf.segment(), 0, f::complete);
                    all[i] = f;
                }
                r.runUntil(CompletableFuture.allOf(all));
                for (CompletableFuture<?> f : all) {
                    assertEquals(IoStatus.SUCCESS, f.join());
                }
                assertEquals(IoStatus.SUCCESS, io(r, cb -> ch.writeZeroes(0, 100_000, cb)));
                assertEquals(IoStatus.SUCCESS, io(r, cb -> ch.read(64, 16, buf.segment(), 0, cb)));
                assertEquals(0, buf.segment().get(ValueLayout.JAVA_BYTE, 100));
                assertEquals(IoStatus.SUCCESS, io(r, cb -> ch.unmap(0, 1000, cb)));
                assertEquals(IoStatus.SUCCESS, io(r, cb -> ch.flush(cb)));
            }
            ch.close();
        }
    }

    @Test
    void mediaErrorsBecomeReadErrorsAndWriteFaults() throws Exception {
        Reactor r = Reactor.onCurrentThread("nvme", IdlePolicy.DEFAULT);
        try (NvmeBdev bdev = (NvmeBdev) Bdevs.open("emu://?size=8M")) {
            bdev.device().model().orElseThrow().faults().mediaError(1, 100, 107, true, true);
            BdevChannel ch = bdev.openChannel(r.core());
            try (IoBuffer buf = bdev.allocateBuffer(4096)) {
                assertEquals(IoStatus.READ_ERROR, io(r, cb -> ch.read(100, 8, buf.segment(), 0, cb)));
                assertEquals(IoStatus.WRITE_FAULT, io(r, cb -> ch.write(104, 8, buf.segment(), 0, cb)));
                assertEquals(IoStatus.SUCCESS, io(r, cb -> ch.read(200, 8, buf.segment(), 0, cb)));
            }
            ch.close();
        }
    }

    @Test
    void statusFieldsMapToBdevStatuses() {
        assertEquals(IoStatus.SUCCESS, NvmeBdev.status(0, IoType.READ));
        assertEquals(IoStatus.INVALID_RANGE, NvmeBdev.status(Status.field(0, 0x80, 0, false, true), IoType.READ));
        assertEquals(IoStatus.CAPACITY_EXCEEDED, NvmeBdev.status(Status.field(0, 0x81, 0, false, true), IoType.WRITE));
        assertEquals(IoStatus.READ_ONLY, NvmeBdev.status(Status.field(0, 0x20, 0, false, true), IoType.WRITE));
        assertEquals(IoStatus.READ_ERROR, NvmeBdev.status(Status.field(2, 0x81, 0, false, false), IoType.READ));
        assertEquals(IoStatus.WRITE_FAULT, NvmeBdev.status(Status.field(2, 0x80, 0, false, false), IoType.WRITE));
        assertEquals(IoStatus.ABORTED, NvmeBdev.status(Status.field(3, 0x71, 0, false, false), IoType.READ));
    }

    @Test
    void aPoolLivesOnAnNvmeNamespaceAndItsFileSurvivesTheProcess() throws Exception {
        Reactor r = Reactor.onCurrentThread("nvme", IdlePolicy.DEFAULT);
        String uri = "emu://" + dir.resolve("ns1.img") + "?size=64M";
        try (Bdev bdev = Bdevs.open(uri)) {
            assertTrue(bdev.features().persistent());
            LvolStore pool = r.runUntil(
                    LvolStore.create(bdev, r.core(), PoolOptions.named("nvme").withClusterSize(1 << 20)));
            Volume v = r.runUntil(pool.createVolume("v", 8 << 20, true, Map.of()));
            VolumeChannel ch = pool.openChannel(v.uuid(), r.core());
            try (IoBuffer buf = ch.allocateBuffer(65536)) {
                buf.segment().fill((byte) 0x3c);
                assertEquals(IoStatus.SUCCESS, io(r, cb -> ch.write(4096, 128, buf.segment(), 0, true, cb)));
            }
            ch.close();
            r.runUntil(pool.snapshot("v", "s", Map.of()));
            r.runUntil(pool.export());
        }
        try (Bdev bdev = Bdevs.open(uri)) {
            PoolChecker.Report report = r.runUntil(PoolChecker.check(bdev, r.core()));
            assertEquals(0, report.exitCode(), report.describe());
            LvolStore pool = r.runUntil(LvolStore.importPool(bdev, r.core()));
            Volume v = r.runUntil(pool.lookup("v"));
            VolumeChannel ch = pool.openChannel(v.uuid(), r.core());
            try (IoBuffer buf = ch.allocateBuffer(65536)) {
                assertEquals(IoStatus.SUCCESS, io(r, cb -> ch.read(4096, 128, buf.segment(), 0, cb)));
                assertEquals(0x3c, buf.segment().get(ValueLayout.JAVA_BYTE, 1000));
            }
            ch.close();
            r.runUntil(pool.export());
        }
    }

    @Test
    void badEmuUrisAndMissingNamespacesAreExplained() {
        InvalidBdevUriException e = assertThrows(InvalidBdevUriException.class, () -> Bdevs.open("emu://?size=banana"));
        assertTrue(
                e.getMessage().contains("'emu://?size=banana'")
                        && e.getMessage().contains("example"),
                e.getMessage());
        BdevException ns = assertThrows(
                BdevException.class,
                () -> NvmeBdev.open(
                        new io.peregrine.dataplane.bdev.BdevSpec.Emu("emu://?size=8M"),
                        "emu://?size=8M",
                        2,
                        io.peregrine.dataplane.bdev.OpenMode.READ_WRITE));
        assertTrue(ns.getMessage().contains("no active namespace 2 (it has 1)"), ns.getMessage());
    }
}
