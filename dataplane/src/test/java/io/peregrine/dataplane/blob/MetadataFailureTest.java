package io.peregrine.dataplane.blob;

import static io.peregrine.dataplane.blob.BlobTestSupport.assertFilled;
import static io.peregrine.dataplane.blob.BlobTestSupport.io;
import static io.peregrine.dataplane.blob.BlobTestSupport.read;
import static io.peregrine.dataplane.blob.BlobTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.bdev.BdevChannel;
import io.peregrine.dataplane.bdev.BdevFeatures;
import io.peregrine.dataplane.bdev.BdevSpec;
import io.peregrine.dataplane.bdev.Bdevs;
import io.peregrine.dataplane.bdev.IoBuffer;
import io.peregrine.dataplane.bdev.IoCompletion;
import io.peregrine.dataplane.bdev.IoStatus;
import io.peregrine.dataplane.reactor.IdlePolicy;
import io.peregrine.dataplane.reactor.Reactor;
import io.peregrine.dataplane.reactor.ReactorCore;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * A device that starts failing metadata writes: the store stops accepting changes, says why,
 * fails flushes instead of pretending, and loses nothing that was acknowledged.
 */
class MetadataFailureTest {
    /** Passes everything through until armed; then fails writes below {@code limitBytes}. */
    private static final class FailingBdev implements Bdev {
        final Bdev inner;
        volatile boolean armed;
        volatile long limitBytes;

        FailingBdev(Bdev inner) {
            this.inner = inner;
        }

        @Override
        public BdevSpec spec() {
            return inner.spec();
        }

        @Override
        public int blockSize() {
            return inner.blockSize();
        }

        @Override
        public long blockCount() {
            return inner.blockCount();
        }

        @Override
        public BdevFeatures features() {
            return inner.features();
        }

        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        public int bufferAlignment() {
            return inner.bufferAlignment();
        }

        @Override
        public BdevChannel openChannel(ReactorCore core) {
            BdevChannel ch = inner.openChannel(core);
            return new BdevChannel() {
                @Override
                public Bdev bdev() {
                    return FailingBdev.this;
                }

                @Override
                public ReactorCore core() {
                    return core;
                }

                @Override
                public void read(long lba, int blocks, MemorySegment buf, long off, IoCompletion cb) {
                    ch.read(lba, blocks, buf, off, cb);
                }

                @Override
                public void write(long lba, int blocks, MemorySegment buf, long off, IoCompletion cb) {
                    if (armed && lba * blockSize() < limitBytes) {
                        core.completeLater(cb, IoStatus.WRITE_FAULT);
                    } else {
                        ch.write(lba, blocks, buf, off, cb);
                    }
                }

                @Override
                public void writeZeroes(long lba, long blocks, IoCompletion cb) {
                    ch.writeZeroes(lba, blocks, cb);
                }

                @Override
                public void unmap(long lba, long blocks, IoCompletion cb) {
                    ch.unmap(lba, blocks, cb);
                }

                @Override
                public void flush(IoCompletion cb) {
                    ch.flush(cb);
                }

                @Override
                public int outstanding() {
                    return ch.outstanding();
                }

                @Override
                public long bounced() {
                    return ch.bounced();
                }

                @Override
                public void close() {
                    ch.close();
                }
            };
        }

        @Override
        public void close() throws io.peregrine.dataplane.bdev.BdevException {
            inner.close();
        }
    }

    @Test
    void aFailedMetadataWriteStopsChangesAndLosesNothingAcknowledged() throws Exception {
        Reactor r = Reactor.onCurrentThread("md", IdlePolicy.DEFAULT);
        try (Bdev mem = Bdevs.open("malloc://?size=16M")) {
            FailingBdev dev = new FailingBdev(mem);
            BlobStore store = r.runUntil(BlobStore.create(dev, r.core(), "f", 64 << 10, false));
            BlobInfo v = r.runUntil(store.createBlob(8, true, BlobStoreTest.name("v")));
            BlobChannel ch = store.openChannel(v.uuid(), r.core());
            write(r, ch, 0, 4, (byte) 7);
            assertEquals(IoStatus.SUCCESS, io(r, cb -> ch.flush(cb)));

            dev.limitBytes = store.superBlock().dataOffset();
            dev.armed = true;
            write(r, ch, 128, 4, (byte) 8); // a first write: mapped in memory, not yet durable
            assertEquals(IoStatus.INTERNAL_ERROR, io(r, cb -> ch.flush(cb)), "a flush that cannot commit says so");
            String why = store.failureMessage();
            assertTrue(why != null && why.contains("stopped accepting changes"), why);
            BlobStoreException e = assertThrows(
                    BlobStoreException.class, () -> r.runUntil(store.createBlob(1, true, BlobStoreTest.name("w"))));
            assertEquals(BlobStoreException.Reason.STORE_FAILED, e.reason());
            try (IoBuffer b = ch.allocateBuffer(512)) {
                assertEquals(
                        IoStatus.INTERNAL_ERROR,
                        io(r, cb -> ch.write(3 * 128, 1, b.segment(), 0, false, cb)),
                        "no new cluster without metadata");
            }
            assertFilled(read(r, ch, 0, 4), (byte) 7, "acknowledged and flushed data still reads");
            ch.close();

            // the device recovers; what was flushed is there, the unflushed mapping may not be
            dev.armed = false;
            BlobStore again = r.runUntil(BlobStore.load(dev, r.core()));
            BlobChannel ch2 = again.openChannel(v.uuid(), r.core());
            assertFilled(read(r, ch2, 0, 4), (byte) 7, "after re-import");
            assertNull(again.failureMessage());
            assertTrue(r.runUntil(again.verify()).isEmpty());
            ch2.close();
            r.runUntil(again.unload());
        }
    }
}
