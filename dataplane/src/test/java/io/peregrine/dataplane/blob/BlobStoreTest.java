package io.peregrine.dataplane.blob;

import static io.peregrine.dataplane.blob.BlobTestSupport.assertFilled;
import static io.peregrine.dataplane.blob.BlobTestSupport.io;
import static io.peregrine.dataplane.blob.BlobTestSupport.read;
import static io.peregrine.dataplane.blob.BlobTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.bdev.Bdevs;
import io.peregrine.dataplane.bdev.IoBuffer;
import io.peregrine.dataplane.bdev.IoStatus;
import io.peregrine.dataplane.reactor.IdlePolicy;
import io.peregrine.dataplane.reactor.Reactor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BlobStoreTest {
    static final int CLUSTER = 64 * 1024;
    static final int CB = CLUSTER / 512; // blocks per cluster

    Reactor r;
    Bdev bdev;
    BlobStore store;

    @BeforeEach
    void setUp() throws Exception {
        r = Reactor.onCurrentThread("md", IdlePolicy.DEFAULT);
        bdev = Bdevs.open("malloc://?size=16M");
        store = r.runUntil(BlobStore.create(bdev, r.core(), "test", CLUSTER, false));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (store.isOpen()) {
            r.runUntil(store.unload());
        }
        bdev.close();
    }

    static SortedMap<String, byte[]> name(String n) {
        SortedMap<String, byte[]> m = new TreeMap<>();
        m.put("peregrine.name", n.getBytes(StandardCharsets.UTF_8));
        return m;
    }

    private BlobStore reload() {
        r.runUntil(store.unload());
        store = r.runUntil(BlobStore.load(bdev, r.core()));
        return store;
    }

    @Test
    void thinBlobsReadZeroesUntilWrittenAndAllocateOnFirstWrite() {
        BlobInfo v = r.runUntil(store.createBlob(10, true, name("v")));
        assertEquals(0, v.allocatedClusters());
        BlobChannel ch = store.openChannel(v.uuid(), r.core());
        assertFilled(read(r, ch, 0, 4 * CB), (byte) 0, "fresh thin blob");
        write(r, ch, CB + 3, 2, (byte) 0x11);
        byte[] c1 = read(r, ch, CB, CB);
        for (int i = 0; i < CB; i++) {
            byte want = i == 3 || i == 4 ? (byte) 0x11 : 0;
            assertFilled(java.util.Arrays.copyOfRange(c1, i * 512, (i + 1) * 512), want, "block " + i);
        }
        assertEquals(1, r.runUntil(store.get(v.uuid())).allocatedClusters());
        // a write across a cluster boundary allocates both
        write(r, ch, 3 * CB - 1, 2, (byte) 0x22);
        assertEquals(3, r.runUntil(store.get(v.uuid())).allocatedClusters());
        assertEquals(
                IoStatus.INVALID_RANGE,
                io(r, cb -> ch.read(10L * CB - 1, 2, BlobTestSupport.segment(new byte[1024]), 0, cb)));
        ch.close();
        assertTrue(r.runUntil(store.verify()).isEmpty());
    }

    @Test
    void dataAndMetadataSurviveExportAndImport() {
        BlobInfo v = r.runUntil(store.createBlob(8, true, name("v")));
        BlobChannel ch = store.openChannel(v.uuid(), r.core());
        write(r, ch, 0, 8, (byte) 1);
        write(r, ch, 5 * CB, 1, (byte) 5);
        ch.close();
        reload();
        assertTrue(store.loadReport().clean());
        BlobInfo again = r.runUntil(store.get(v.uuid()));
        assertEquals(2, again.allocatedClusters());
        assertEquals("v", new String(again.xattrs().get("peregrine.name"), StandardCharsets.UTF_8));
        BlobChannel ch2 = store.openChannel(v.uuid(), r.core());
        assertFilled(read(r, ch2, 0, 8), (byte) 1, "cluster 0");
        assertFilled(read(r, ch2, 5 * CB, 1), (byte) 5, "cluster 5");
        assertFilled(read(r, ch2, 6 * CB, 1), (byte) 0, "cluster 6");
        ch2.close();
    }

    @Test
    void snapshotsFreezeContentAndClonesCopyOnWrite() {
        BlobInfo v = r.runUntil(store.createBlob(4, true, name("v")));
        BlobChannel vc = store.openChannel(v.uuid(), r.core());
        write(r, vc, 0, 2 * CB, (byte) 0xa);
        BlobInfo s = r.runUntil(store.snapshot(v.uuid(), name("s")));
        assertTrue(s.readOnly());
        assertEquals(2, s.allocatedClusters());
        assertEquals(0, r.runUntil(store.get(v.uuid())).allocatedClusters());
        assertEquals(s.uuid(), r.runUntil(store.get(v.uuid())).parent());

        // the volume still reads its data, and writes after the snapshot do not reach it
        assertFilled(read(r, vc, 0, 2 * CB), (byte) 0xa, "volume after snapshot");
        write(r, vc, 1, 1, (byte) 0xb);
        BlobChannel sc = store.openChannel(s.uuid(), r.core());
        assertFilled(read(r, sc, 1, 1), (byte) 0xa, "snapshot keeps the old block");
        byte[] cluster0 = read(r, vc, 0, CB);
        assertFilled(java.util.Arrays.copyOfRange(cluster0, 0, 512), (byte) 0xa, "copied before the write");
        assertFilled(java.util.Arrays.copyOfRange(cluster0, 512, 1024), (byte) 0xb, "the write");
        assertFilled(java.util.Arrays.copyOfRange(cluster0, 1024, CLUSTER), (byte) 0xa, "copied after the write");
        assertEquals(
                IoStatus.READ_ONLY, io(r, cb -> sc.write(0, 1, BlobTestSupport.segment(new byte[512]), 0, false, cb)));

        BlobInfo c = r.runUntil(store.clone(s.uuid(), 0, name("c")));
        BlobChannel cc = store.openChannel(c.uuid(), r.core());
        assertFilled(read(r, cc, 0, 2 * CB), (byte) 0xa, "clone reads through");
        write(r, cc, CB, CB, (byte) 0xc);
        assertFilled(read(r, cc, CB, CB), (byte) 0xc, "clone's own cluster");
        assertFilled(read(r, sc, CB, CB), (byte) 0xa, "snapshot unchanged");
        assertFilled(read(r, vc, CB, CB), (byte) 0xa, "volume unchanged");

        BlobStoreException e = assertThrows(BlobStoreException.class, () -> r.runUntil(store.delete(s.uuid())));
        assertEquals(BlobStoreException.Reason.HAS_DEPENDENTS, e.reason());
        assertTrue(e.getMessage().contains("volume v") && e.getMessage().contains("volume c"), e.getMessage());
        vc.close();
        sc.close();
        cc.close();
        assertTrue(
                r.runUntil(store.verify()).isEmpty(),
                () -> r.runUntil(store.verify()).toString());
        reload();
        BlobChannel cc2 = store.openChannel(c.uuid(), r.core());
        assertFilled(read(r, cc2, 0, CB), (byte) 0xa, "clone after import");
        assertFilled(read(r, cc2, CB, CB), (byte) 0xc, "clone's own after import");
        cc2.close();
    }

    @Test
    void deletingASnapshotWithOneChildMergesIntoIt() {
        BlobInfo v = r.runUntil(store.createBlob(4, true, name("v")));
        BlobChannel vc = store.openChannel(v.uuid(), r.core());
        write(r, vc, 0, 3 * CB, (byte) 1);
        BlobInfo s = r.runUntil(store.snapshot(v.uuid(), name("s")));
        write(r, vc, CB, 1, (byte) 2); // copy-on-write of cluster 1
        long freeBefore = r.runUntil(store.stats()).freeClusters();
        r.runUntil(store.delete(s.uuid()));
        BlobInfo after = r.runUntil(store.get(v.uuid()));
        assertNull(after.parent());
        assertEquals(3, after.allocatedClusters());
        // the snapshot's cluster 1 was shadowed by the copy and is free again
        r.runUntil(store.stats()); // let the release run
        assertEquals(freeBefore + 1, r.runUntil(store.stats()).freeClusters());
        assertFilled(read(r, vc, 0, 1), (byte) 1, "merged cluster 0");
        assertFilled(read(r, vc, CB, 1), (byte) 2, "own cluster 1");
        assertFilled(read(r, vc, 2 * CB, CB), (byte) 1, "merged cluster 2");
        vc.close();
        assertTrue(r.runUntil(store.verify()).isEmpty());
    }

    @Test
    void decoupleCopiesWhatTheCloneReadsThroughToSoTheSnapshotCanGo() {
        BlobInfo v = r.runUntil(store.createBlob(4, true, name("v")));
        BlobChannel vc = store.openChannel(v.uuid(), r.core());
        write(r, vc, 0, 2 * CB, (byte) 3);
        vc.close();
        BlobInfo s = r.runUntil(store.snapshot(v.uuid(), name("s")));
        BlobInfo c = r.runUntil(store.clone(s.uuid(), 0, name("c")));
        BlobInfo d = r.runUntil(store.decouple(c.uuid()));
        assertNull(d.parent());
        assertEquals(2, d.allocatedClusters());
        r.runUntil(store.delete(v.uuid()));
        r.runUntil(store.delete(s.uuid()));
        BlobChannel cc = store.openChannel(c.uuid(), r.core());
        assertFilled(read(r, cc, 0, 2 * CB), (byte) 3, "decoupled data");
        assertFilled(read(r, cc, 2 * CB, CB), (byte) 0, "never written");
        cc.close();
        assertTrue(r.runUntil(store.verify()).isEmpty());
    }

    @Test
    void thickBlobsOwnTheirClustersAndFullPoolsFailWritesCleanly() {
        long total = store.superBlock().clusterCount();
        BlobInfo thick = r.runUntil(store.createBlob(total - 2, false, name("thick")));
        assertEquals(total - 2, thick.allocatedClusters());
        BlobStoreException e =
                assertThrows(BlobStoreException.class, () -> r.runUntil(store.createBlob(3, false, name("too-big"))));
        assertEquals(BlobStoreException.Reason.NO_SPACE, e.reason());
        BlobInfo thin = r.runUntil(store.createBlob(4, true, name("thin")));
        BlobChannel ch = store.openChannel(thin.uuid(), r.core());
        write(r, ch, 0, 1, (byte) 1);
        write(r, ch, CB, 1, (byte) 2);
        try (IoBuffer b = ch.allocateBuffer(512)) {
            assertEquals(IoStatus.CAPACITY_EXCEEDED, io(r, cb -> ch.write(2 * CB, 1, b.segment(), 0, false, cb)));
        }
        // the volume stays consistent: what was written reads back, the failed cluster reads zero
        assertFilled(read(r, ch, 0, 1), (byte) 1, "cluster 0");
        assertFilled(read(r, ch, 2 * CB, 1), (byte) 0, "failed cluster");
        // freeing a cluster makes room again
        assertEquals(IoStatus.SUCCESS, io(r, cb -> ch.unmap(CB, CB, cb)));
        assertEquals(IoStatus.SUCCESS, io(r, cb -> ch.flush(cb)));
        r.runUntil(store.stats());
        write(r, ch, 2 * CB, 1, (byte) 3);
        assertFilled(read(r, ch, CB, 1), (byte) 0, "unmapped cluster reads zero");
        ch.close();
        assertTrue(r.runUntil(store.verify()).isEmpty());
    }

    @Test
    void growWorksOnlineAndShrinkIsRefused() {
        BlobInfo v = r.runUntil(store.createBlob(2, true, name("v")));
        BlobChannel ch = store.openChannel(v.uuid(), r.core());
        assertEquals(2L * CB, ch.blockCount());
        r.runUntil(store.resize(v.uuid(), 5));
        assertEquals(5L * CB, ch.blockCount());
        write(r, ch, 4 * CB, 1, (byte) 9);
        assertFilled(read(r, ch, 4 * CB, 1), (byte) 9, "grown part");
        BlobStoreException e = assertThrows(BlobStoreException.class, () -> r.runUntil(store.resize(v.uuid(), 1)));
        assertTrue(e.getMessage().contains("only grow"));
        BlobInfo t = r.runUntil(store.createBlob(1, false, name("t")));
        assertEquals(3, r.runUntil(store.resize(t.uuid(), 3)).allocatedClusters());
        ch.close();
        assertTrue(r.runUntil(store.verify()).isEmpty());
    }

    @Test
    void openVolumesCannotBeDeletedAndPoolsWithPoolsAreNotOverwritten() throws Exception {
        BlobInfo v = r.runUntil(store.createBlob(2, true, name("v")));
        BlobChannel ch = store.openChannel(v.uuid(), r.core());
        BlobStoreException busy = assertThrows(BlobStoreException.class, () -> r.runUntil(store.delete(v.uuid())));
        assertEquals(BlobStoreException.Reason.BUSY, busy.reason());
        BlobStoreException export = assertThrows(BlobStoreException.class, () -> r.runUntil(store.unload()));
        assertTrue(export.getMessage().contains("volume v is open"), export.getMessage());
        ch.close();
        r.runUntil(store.delete(v.uuid()));
        assertThrows(BlobStoreException.class, () -> store.openChannel(v.uuid(), r.core()));
        r.runUntil(store.unload());
        BlobStoreException exists = assertThrows(
                BlobStoreException.class, () -> r.runUntil(BlobStore.create(bdev, r.core(), "again", CLUSTER, false)));
        assertTrue(exists.getMessage().contains("already holds pool test"), exists.getMessage());
        store = r.runUntil(BlobStore.load(bdev, r.core()));
        r.runUntil(store.destroy(false));
        BlobStoreException gone =
                assertThrows(BlobStoreException.class, () -> r.runUntil(BlobStore.load(bdev, r.core())));
        assertEquals(BlobStoreException.Reason.NOT_FOUND, gone.reason());
    }

    @Test
    void manyBlobsGoThroughCheckpointsAndTheLogRing() {
        List<UUID> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            ids.add(r.runUntil(store.createBlob(1, true, name("v" + i))).uuid());
        }
        for (int i = 0; i < 300; i += 3) {
            r.runUntil(store.setXattr(ids.get(i), "pvc", ("claim-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        assertTrue(r.runUntil(store.stats()).checkpoints() > 0);
        BlobStore.Stats before = r.runUntil(store.stats());
        // unclean: drop the store without exporting and load what is on the device
        store = r.runUntil(BlobStore.load(bdev, r.core()));
        assertFalse(store.loadReport().clean());
        assertEquals(before.blobs(), r.runUntil(store.stats()).blobs());
        assertEquals(
                "claim-3", new String(r.runUntil(store.get(ids.get(3))).xattrs().get("pvc"), StandardCharsets.UTF_8));
        assertTrue(r.runUntil(store.verify()).isEmpty());
    }
}
