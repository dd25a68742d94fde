package io.peregrine.dataplane.lvol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.bdev.Bdevs;
import io.peregrine.dataplane.bdev.IoBuffer;
import io.peregrine.dataplane.bdev.IoStatus;
import io.peregrine.dataplane.blob.BlobStoreException;
import io.peregrine.dataplane.blob.BlobStoreException.Reason;
import io.peregrine.dataplane.reactor.IdlePolicy;
import io.peregrine.dataplane.reactor.Reactor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LvolStoreTest {
    static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    Reactor r;
    Bdev bdev;
    LvolStore pool;

    @BeforeEach
    void setUp() throws Exception {
        r = Reactor.onCurrentThread("md", IdlePolicy.DEFAULT);
        bdev = Bdevs.open("file://" + dir.resolve("pool.img") + "?size=64M");
        pool = r.runUntil(
                LvolStore.create(bdev, r.core(), PoolOptions.named("fast").withClusterSize(1 << 20)));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (pool.blobStore().isOpen()) {
            r.runUntil(pool.export());
        }
        bdev.close();
    }

    private BlobStoreException refused(CompletableFuture<?> f) {
        return assertThrows(BlobStoreException.class, () -> r.runUntil(f));
    }

    @Test
    void aVolumeDeletedByUuidFreesItsName() throws Exception {
        Volume v = r.runUntil(pool.createVolume("db", 10 * MIB, true, Map.of()));
        r.runUntil(pool.delete(v.uuid().toString()));
        assertEquals(List.of(), r.runUntil(pool.list()));
        Volume again = r.runUntil(pool.createVolume("db", 10 * MIB, true, Map.of()));
        assertEquals(again, r.runUntil(pool.lookup("db")));
    }

    @Test
    void aDeletedVolumesSpaceIsFreeWhenTheDeleteCompletes() throws Exception {
        // on a persistent device the freed clusters are unmapped before they go back: the delete
        // must not complete before they are back, or the pool reports space it has not yet freed
        long before = r.runUntil(pool.info()).freeBytes();
        for (int round = 0; round < 20; round++) {
            Volume thick = r.runUntil(pool.createVolume("thick" + round, 8 * MIB, false, Map.of()));
            assertEquals(before - 8 * MIB, r.runUntil(pool.info()).freeBytes(), "a thick volume reserves its size");
            r.runUntil(pool.delete(thick.uuid().toString()));
            assertEquals(before, r.runUntil(pool.info()).freeBytes(), "round " + round);
        }
    }

    @Test
    void volumesHaveKindsOriginsAndStableUuidsAcrossExportAndImport() throws Exception {
        Volume v = r.runUntil(pool.createVolume("db", 10 * MIB, true, Map.of("csi.storage.k8s.io/pvc/name", "data")));
        assertEquals(Volume.Kind.VOLUME, v.kind());
        assertEquals(Map.of("csi.storage.k8s.io/pvc/name", "data"), v.attributes());
        assertTrue(v.createdMillis() > 0);
        Volume s = r.runUntil(pool.snapshot("db", "db-snap", Map.of()));
        assertEquals(Volume.Kind.SNAPSHOT, s.kind());
        assertEquals(v.uuid(), s.origin());
        Volume c = r.runUntil(pool.clone("db-snap", "db-clone", 20 * MIB, Map.of()));
        assertEquals(Volume.Kind.CLONE, c.kind());
        assertEquals(s.uuid(), c.origin());
        assertEquals(20 * MIB, c.sizeBytes());
        assertEquals("db-snap", c.parent());
        assertEquals(
                List.of("db", "db-clone"),
                r.runUntil(pool.lookup("db-snap")).dependents().stream()
                        .sorted()
                        .toList());

        r.runUntil(pool.export());
        pool = r.runUntil(LvolStore.importPool(bdev, r.core()));
        Volume again = r.runUntil(pool.lookup("db"));
        assertEquals(v.uuid(), again.uuid());
        assertEquals(again, r.runUntil(pool.lookup(v.uuid().toString())));
        assertEquals(3, r.runUntil(pool.list()).size());
        PoolInfo info = r.runUntil(pool.info());
        assertEquals(2, info.volumes());
        assertEquals(1, info.snapshots());
    }

    @Test
    void badNamesSizesAndAttributesAreRefusedWithAClearMessage() {
        for (String bad : new String[] {"", "-x", "a/b", "x".repeat(64), "sp ace"}) {
            BlobStoreException e = refused(pool.createVolume(bad, MIB, true, Map.of()));
            assertEquals(Reason.INVALID_ARGUMENT, e.reason());
            assertTrue(e.getMessage().contains("must be 1-63 characters"), e.getMessage());
        }
        assertTrue(
                refused(pool.createVolume("v", 0, true, Map.of())).getMessage().contains("greater than zero"));
        assertTrue(refused(pool.createVolume("v", 1000, true, Map.of()))
                .getMessage()
                .contains("not a multiple"));
        assertTrue(refused(pool.createVolume("v", MIB, true, Map.of("peregrine.name", "x")))
                .getMessage()
                .contains("reserved"));
        r.runUntil(pool.createVolume("v", 2 * MIB, true, Map.of()));
        BlobStoreException dup = refused(pool.createVolume("v", MIB, true, Map.of()));
        assertEquals(Reason.ALREADY_EXISTS, dup.reason());
        assertTrue(dup.getMessage().contains("the name v is in use"), dup.getMessage());
        BlobStoreException shrink = refused(pool.grow("v", MIB));
        assertEquals(Reason.OUT_OF_RANGE, shrink.reason());
        assertEquals(Reason.NOT_FOUND, refused(pool.delete("nope")).reason());
        BlobStoreException thick = refused(pool.createVolume("huge", 1L << 30, false, Map.of()));
        assertEquals(Reason.NO_SPACE, thick.reason());
        assertTrue(thick.getMessage().contains("free"), thick.getMessage());
    }

    @Test
    void concurrentCreatesOfOneNameCannotBothWin() {
        CompletableFuture<Volume> a = pool.createVolume("same", MIB, true, Map.of());
        CompletableFuture<Volume> b = pool.createVolume("same", MIB, true, Map.of());
        CompletableFuture<Void> both = CompletableFuture.allOf(a, b).handle((v, e) -> null);
        r.runUntil(both);
        assertEquals(1, (a.isCompletedExceptionally() ? 0 : 1) + (b.isCompletedExceptionally() ? 0 : 1));
        assertEquals(1, r.runUntil(pool.list()).size());
    }

    @Test
    void snapshotsWithSeveralDependentsCannotGoButOneDependentIsMerged() {
        r.runUntil(pool.createVolume("v", 4 * MIB, true, Map.of()));
        r.runUntil(pool.snapshot("v", "s", Map.of()));
        r.runUntil(pool.clone("s", "c1", Map.of()));
        BlobStoreException e = refused(pool.delete("s"));
        assertEquals(Reason.HAS_DEPENDENTS, e.reason());
        assertTrue(e.getMessage().contains("volume v") && e.getMessage().contains("volume c1"), e.getMessage());
        Volume d = r.runUntil(pool.decouple("c1"));
        assertNull(d.parent());
        r.runUntil(pool.delete("s"));
        assertNull(r.runUntil(pool.lookup("v")).parent());
        assertEquals(2, r.runUntil(pool.list()).size());
    }

    @Test
    void statsCountIoAndAllocation() {
        Volume v = r.runUntil(pool.createVolume("v", 4 * MIB, true, Map.of()));
        VolumeChannel ch = pool.openChannel(v.uuid(), r.core());
        assertEquals("v", ch.name());
        try (IoBuffer b = ch.allocateBuffer(8192)) {
            for (int i = 0; i < 3; i++) {
                CompletableFuture<IoStatus> w = new CompletableFuture<>();
                ch.write(i * 16L, 16, b.segment(), 0, false, w::complete);
                assertEquals(IoStatus.SUCCESS, r.runUntil(w));
            }
            CompletableFuture<IoStatus> rd = new CompletableFuture<>();
            ch.read(0, 16, b.segment(), 0, rd::complete);
            assertEquals(IoStatus.SUCCESS, r.runUntil(rd));
            CompletableFuture<IoStatus> z = new CompletableFuture<>();
            ch.writeZeroes(0, 8, z::complete);
            assertEquals(IoStatus.SUCCESS, r.runUntil(z));
            CompletableFuture<IoStatus> f = new CompletableFuture<>();
            ch.flush(f::complete);
            assertEquals(IoStatus.SUCCESS, r.runUntil(f));
        }
        VolumeStats s = r.runUntil(pool.stats("v"));
        assertEquals(3, s.writes());
        assertEquals(3 * 8192, s.writeBytes());
        assertEquals(1, s.reads());
        assertEquals(1, s.writeZeroes());
        assertEquals(1, s.flushes());
        assertEquals(MIB, s.allocatedBytes());
        ch.close();
        // counters of closed channels are kept
        assertEquals(3, r.runUntil(pool.stats("v")).writes());
        assertTrue(refused(pool.delete("missing")).getMessage().contains("no volume or snapshot 'missing'"));
    }

    @Test
    void aPublishedVolumeCannotBeDeletedOrThePoolExported() {
        Volume v = r.runUntil(pool.createVolume("v", MIB, true, Map.of()));
        VolumeChannel ch = pool.openChannel(v.uuid(), r.core());
        assertEquals(Reason.BUSY, refused(pool.delete("v")).reason());
        assertTrue(refused(pool.export()).getMessage().contains("volume v is open"));
        assertTrue(r.runUntil(pool.lookup("v")).open());
        ch.close();
        r.runUntil(pool.delete("v"));
        assertEquals(0, r.runUntil(pool.list()).size());
    }

    @Test
    void poolNamesFollowTheApiRules() throws Exception {
        try (Bdev m = Bdevs.open("malloc://?size=16M")) {
            BlobStoreException e = refused(LvolStore.create(m, r.core(), PoolOptions.named("no spaces")));
            assertTrue(e.getMessage().contains("pool name"), e.getMessage());
        }
    }
}
