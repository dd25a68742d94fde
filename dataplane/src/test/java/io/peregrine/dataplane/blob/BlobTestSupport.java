package io.peregrine.dataplane.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.peregrine.dataplane.bdev.IoBuffer;
import io.peregrine.dataplane.bdev.IoCompletion;
import io.peregrine.dataplane.bdev.IoStatus;
import io.peregrine.dataplane.reactor.Reactor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Synchronous I/O on a reactor driven by the test thread. */
final class BlobTestSupport {
    private BlobTestSupport() {}

    static IoStatus io(Reactor r, Consumer<IoCompletion> op) {
        CompletableFuture<IoStatus> f = new CompletableFuture<>();
        op.accept(f::complete);
        return r.runUntil(f);
    }

    /** Writes {@code blocks} blocks of {@code fill} at {@code lba}. */
    static void write(Reactor r, BlobChannel ch, long lba, int blocks, byte fill) {
        try (IoBuffer b = ch.allocateBuffer((long) blocks * ch.blockSize())) {
            b.segment().fill(fill);
            assertEquals(IoStatus.SUCCESS, io(r, cb -> ch.write(lba, blocks, b.segment(), 0, false, cb)));
        }
    }

    /** Reads {@code blocks} blocks at {@code lba}. */
    static byte[] read(Reactor r, BlobChannel ch, long lba, int blocks) {
        try (IoBuffer b = ch.allocateBuffer((long) blocks * ch.blockSize())) {
            b.segment().fill((byte) 0x77);
            assertEquals(IoStatus.SUCCESS, io(r, cb -> ch.read(lba, blocks, b.segment(), 0, cb)));
            return b.segment().toArray(ValueLayout.JAVA_BYTE);
        }
    }

    static void assertFilled(byte[] data, byte fill, String what) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] != fill) {
                throw new AssertionError(what + ": byte " + i + " is " + data[i] + ", expected " + fill);
            }
        }
    }

    static MemorySegment segment(byte[] bytes) {
        return MemorySegment.ofArray(bytes);
    }
}
