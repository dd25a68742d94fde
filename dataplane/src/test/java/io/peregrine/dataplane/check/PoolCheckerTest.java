package io.peregrine.dataplane.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.bdev.Bdevs;
import io.peregrine.dataplane.bdev.IoBuffer;
import io.peregrine.dataplane.bdev.IoStatus;
import io.peregrine.dataplane.bdev.OpenMode;
import io.peregrine.dataplane.blob.BlobStoreException;
import io.peregrine.dataplane.blob.format.ByteSink;
import io.peregrine.dataplane.blob.format.Checkpoint;
import io.peregrine.dataplane.blob.format.LogPage;
import io.peregrine.dataplane.blob.format.MdPage;
import io.peregrine.dataplane.blob.format.MdRecord;
import io.peregrine.dataplane.blob.format.RecordCodec;
import io.peregrine.dataplane.blob.format.SuperBlock;
import io.peregrine.dataplane.lvol.LvolStore;
import io.peregrine.dataplane.lvol.PoolOptions;
import io.peregrine.dataplane.lvol.Volume;
import io.peregrine.dataplane.lvol.VolumeChannel;
import io.peregrine.dataplane.reactor.IdlePolicy;
import io.peregrine.dataplane.reactor.Reactor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damage a pool in the ways that matter and see that the checker names it. */
class PoolCheckerTest {
    @TempDir
    Path dir;

    Path image;
    String uri;
    Reactor r;

    @BeforeEach
    void setUp() throws Exception {
        image = dir.resolve("pool.img");
        uri = "file://" + image;
        r = Reactor.onCurrentThread("check", IdlePolicy.DEFAULT);
        try (Bdev bdev = Bdevs.open(uri + "?size=32M")) {
            LvolStore pool = r.runUntil(
                    LvolStore.create(bdev, r.core(), PoolOptions.named("p").withClusterSize(1 << 20)));
            Volume a = r.runUntil(pool.createVolume("a", 4 << 20, true, Map.of()));
            r.runUntil(pool.createVolume("b", 4 << 20, true, Map.of()));
            VolumeChannel ch = pool.openChannel(a.uuid(), r.core());
            try (IoBuffer buf = ch.allocateBuffer(4096)) {
                for (int i = 0; i < 3; i++) {
                    CompletableFuture<IoStatus> f = new CompletableFuture<>();
                    ch.write(i * 2048L, 8, buf.segment(), 0, false, f::complete);
                    assertEquals(IoStatus.SUCCESS, r.runUntil(f));
                }
            }
            ch.close();
            r.runUntil(pool.snapshot("a", "a-snap", Map.of()));
            r.runUntil(pool.export());
        }
    }

    private PoolChecker.Report check() throws Exception {
        try (Bdev ro = Bdevs.open(uri, OpenMode.READ_ONLY)) {
            return r.runUntil(PoolChecker.check(ro, r.core()));
        }
    }

    private SuperBlock superBlock() throws Exception {
        try (FileChannel fc = FileChannel.open(image)) {
            ByteBuffer p = ByteBuffer.allocate(MdPage.SIZE).order(ByteOrder.LITTLE_ENDIAN);
            fc.read(p, 0);
            return SuperBlock.decode(p, "test");
        }
    }

    private void overwrite(long offset, byte[] bytes) throws Exception {
        try (FileChannel fc = FileChannel.open(image, StandardOpenOption.WRITE)) {
            fc.write(ByteBuffer.wrap(bytes), offset);
        }
    }

    @Test
    void aCleanPoolIsConsistent() throws Exception {
        PoolChecker.Report report = check();
        assertEquals(0, report.exitCode(), report.describe());
        assertTrue(report.describe().contains("2 volumes, 1 snapshots"), report.describe());
        assertTrue(report.describe().endsWith("consistent"));
    }

    @Test
    void aDamagedSuperBlockCopyIsAProblemButThePoolStillLoads() throws Exception {
        overwrite(100, new byte[] {1, 2, 3});
        PoolChecker.Report report = check();
        assertEquals(1, report.exitCode());
        assertTrue(
                report.problems().get(0).contains("super block copy A (byte 0): checksum mismatch"), report.describe());
        try (Bdev bdev = Bdevs.open(uri)) {
            LvolStore pool = r.runUntil(LvolStore.importPool(bdev, r.core()));
            assertEquals(3, r.runUntil(pool.list()).size());
            r.runUntil(pool.export());
        }
    }

    @Test
    void aTornLogPageIsANoteNotAProblem() throws Exception {
        SuperBlock sb = superBlock();
        // what a crash during a log write leaves: garbage in the slot of the next page
        long next = findNextLsnSlot(sb);
        overwrite(sb.logOffset() + next * MdPage.SIZE, "torn".repeat(256).getBytes());
        PoolChecker.Report report = check();
        assertEquals(0, report.exitCode(), report.describe());
    }

    @Test
    void aClusterOwnedTwiceIsCorruptionNamedWithItsRecord() throws Exception {
        SuperBlock sb = superBlock();
        long lsn = replayLsn(sb);
        // a log record that hands blob a's cluster to blob b as well
        ByteSink rec = new ByteSink(64);
        long[] ids = blobIds();
        // a wrote clusters 0-2 (the lowest free ones); the snapshot took them over
        RecordCodec.encode(new MdRecord.Alloc(ids[1], 0, 0), rec);
        ByteBuffer page = LogPage.encode(sb.uuid(), lsn, rec.array(), 0, rec.size());
        overwrite(sb.logOffset() + (lsn % sb.logPages()) * MdPage.SIZE, page.array());
        PoolChecker.Report report = check();
        assertEquals(1, report.exitCode());
        assertTrue(report.problems().get(0).contains("is owned twice"), report.describe());
        try (Bdev bdev = Bdevs.open(uri)) {
            BlobStoreException e =
                    assertThrows(BlobStoreException.class, () -> r.runUntil(LvolStore.importPool(bdev, r.core())));
            assertEquals(BlobStoreException.Reason.CORRUPT, e.reason());
        }
    }

    @Test
    void aDamagedNewestCheckpointFallsBackWhenTheLogStillCoversIt() throws Exception {
        SuperBlock sb = superBlock();
        Checkpoint.Header[] h = headers(sb);
        int newest = h[0] == null ? 1 : h[1] == null ? 0 : h[0].generation() > h[1].generation() ? 0 : 1;
        long slot = newest == 0 ? sb.checkpointOffset0() : sb.checkpointOffset1();
        overwrite(slot + MdPage.SIZE + 10, new byte[] {42, 42, 42});
        PoolChecker.Report report = check();
        assertTrue(report.describe().contains("does not check out"), report.describe());
        // the older checkpoint and the log after it still describe everything: nothing is lost
        assertEquals(0, report.exitCode(), report.describe());
        try (Bdev bdev = Bdevs.open(uri)) {
            LvolStore pool = r.runUntil(LvolStore.importPool(bdev, r.core()));
            assertEquals(3, r.runUntil(pool.list()).size());
            r.runUntil(pool.export());
        }
    }

    private long[] blobIds() throws Exception {
        try (Bdev ro = Bdevs.open(uri, OpenMode.READ_ONLY)) {
            var insp = r.runUntil(io.peregrine.dataplane.blob.Inspection.of(ro, r.core()));
            long a = -1;
            long b = -1;
            for (var bi : insp.blobs()) {
                String n = new String(bi.xattrs().get(LvolStore.NAME));
                if (n.equals("a-snap")) {
                    a = bi.id();
                } else if (n.equals("b")) {
                    b = bi.id();
                }
            }
            return new long[] {a, b};
        }
    }

    private Checkpoint.Header[] headers(SuperBlock sb) throws Exception {
        Checkpoint.Header[] h = new Checkpoint.Header[2];
        try (FileChannel fc = FileChannel.open(image)) {
            for (int s = 0; s < 2; s++) {
                ByteBuffer p = ByteBuffer.allocate(MdPage.SIZE).order(ByteOrder.LITTLE_ENDIAN);
                fc.read(p, s == 0 ? sb.checkpointOffset0() : sb.checkpointOffset1());
                h[s] = Checkpoint.decodeHeader(p, sb.uuid(), null);
            }
        }
        return h;
    }

    private long replayLsn(SuperBlock sb) throws Exception {
        Checkpoint.Header[] h = headers(sb);
        Checkpoint.Header newest =
                h[0] == null ? h[1] : h[1] == null ? h[0] : h[0].generation() > h[1].generation() ? h[0] : h[1];
        return newest.replayLsn();
    }

    private long findNextLsnSlot(SuperBlock sb) throws Exception {
        return replayLsn(sb) % sb.logPages();
    }
}
