package io.peregrine.dataplane.blob;

import io.peregrine.dataplane.bdev.BdevChannel;
import io.peregrine.dataplane.bdev.IoBuffer;
import io.peregrine.dataplane.bdev.IoStatus;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;

/**
 * Metadata reads and writes at byte offsets through the metadata thread's channel, as futures.
 * Not on the data path: each call takes a fresh device buffer.
 */
final class MdIo {
    private static final int CHUNK = 1 << 20;

    private final BdevChannel ch;
    private final int blockSize;
    private final String what;

    MdIo(BdevChannel ch) {
        this.ch = ch;
        this.blockSize = ch.bdev().blockSize();
        this.what = "metadata I/O on " + ch.bdev().uri();
    }

    /** The guard: metadata moves only on the metadata thread (the channel is that thread's). */
    private void checkThread() {
        ch.core().checkCoreThread(what);
    }

    BdevChannel channel() {
        return ch;
    }

    /** Reads {@code length} bytes at {@code offset} (both multiples of the block size). */
    CompletableFuture<byte[]> read(long offset, int length) {
        checkThread();
        byte[] out = new byte[length];
        CompletableFuture<byte[]> f = CompletableFuture.completedFuture(out);
        for (int done = 0; done < length; done += CHUNK) {
            int at = done;
            int n = Math.min(CHUNK, length - done);
            f = f.thenCompose(o -> readChunk(offset + at, n).thenApply(bytes -> {
                System.arraycopy(bytes, 0, o, at, n);
                return o;
            }));
        }
        return f;
    }

    private CompletableFuture<byte[]> readChunk(long offset, int length) {
        checkThread();
        IoBuffer buf = ch.bdev().allocateBuffer(length);
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        ch.read(offset / blockSize, length / blockSize, buf.segment(), 0, st -> {
            try {
                if (st.isSuccess()) {
                    f.complete(buf.segment().asSlice(0, length).toArray(ValueLayout.JAVA_BYTE));
                } else {
                    f.completeExceptionally(new MetadataIoException("reading metadata at byte " + offset, st));
                }
            } finally {
                buf.close();
            }
        });
        return f;
    }

    /** Writes {@code bytes} (a multiple of the block size) at {@code offset}. */
    CompletableFuture<Void> write(long offset, byte[] bytes, int from, int length) {
        checkThread();
        IoBuffer buf = ch.bdev().allocateBuffer(length);
        MemorySegment.copy(bytes, from, buf.segment(), ValueLayout.JAVA_BYTE, 0, length);
        CompletableFuture<Void> f = new CompletableFuture<>();
        ch.write(offset / blockSize, length / blockSize, buf.segment(), 0, st -> {
            buf.close();
            complete(f, st, "writing metadata at byte " + offset);
        });
        return f;
    }

    CompletableFuture<Void> writeZeroes(long offset, long length) {
        checkThread();
        CompletableFuture<Void> f = new CompletableFuture<>();
        ch.writeZeroes(offset / blockSize, length / blockSize, st -> complete(f, st, "zeroing bytes at " + offset));
        return f;
    }

    CompletableFuture<Void> flush() {
        checkThread();
        CompletableFuture<Void> f = new CompletableFuture<>();
        ch.flush(st -> complete(f, st, "flushing the device"));
        return f;
    }

    private static void complete(CompletableFuture<Void> f, IoStatus st, String what) {
        if (st.isSuccess()) {
            f.complete(null);
        } else {
            f.completeExceptionally(new MetadataIoException(what, st));
        }
    }

    /** A metadata read or write failed on the device. */
    static final class MetadataIoException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final IoStatus status;

        MetadataIoException(String what, IoStatus status) {
            super(what + " failed: " + status.text());
            this.status = status;
        }
    }
}
