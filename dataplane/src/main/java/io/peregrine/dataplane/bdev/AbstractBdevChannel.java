package io.peregrine.dataplane.bdev;

import io.peregrine.dataplane.reactor.ReactorCore;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;

/**
 * What every channel does the same way: owner-thread checks, argument validation that completes
 * with a status, bouncing buffers the device cannot use, and counting outstanding I/O. Subclasses
 * implement the {@code submit*} methods with validated arguments and report each completion
 * through {@link #done}.
 */
public abstract class AbstractBdevChannel implements BdevChannel {
    protected final Bdev bdev;
    protected final ReactorCore core;
    protected final int blockSize;
    private final long blockCount;
    private int outstanding;
    private long bounced;
    private boolean closed;
    private final ArrayDeque<Bounce> bouncePool = new ArrayDeque<>();

    protected AbstractBdevChannel(Bdev bdev, ReactorCore core) {
        core.checkCoreThread();
        this.bdev = bdev;
        this.core = core;
        this.blockSize = bdev.blockSize();
        this.blockCount = bdev.blockCount();
    }

    @Override
    public final Bdev bdev() {
        return bdev;
    }

    @Override
    public final ReactorCore core() {
        return core;
    }

    @Override
    public final int outstanding() {
        return outstanding;
    }

    @Override
    public final long bounced() {
        return bounced;
    }

    // ------------------------------------------------------------------ the interface

    @Override
    public final void read(long lba, int blocks, MemorySegment buf, long bufOffset, IoCompletion cb) {
        IoStatus bad = check(lba, blocks, buf, bufOffset, false);
        if (bad != null) {
            core.completeLater(cb, bad);
            return;
        }
        long bytes = (long) blocks * blockSize;
        outstanding++;
        if (bdev.canUseBuffer(buf, bufOffset, bytes)) {
            submitRead(lba, blocks, buf, bufOffset, cb);
        } else {
            Bounce b = bounce(cb, buf, bufOffset, bytes, true);
            submitRead(lba, blocks, b.buffer.segment(), 0, b);
        }
    }

    @Override
    public final void write(long lba, int blocks, MemorySegment buf, long bufOffset, IoCompletion cb) {
        IoStatus bad = check(lba, blocks, buf, bufOffset, true);
        if (bad != null) {
            core.completeLater(cb, bad);
            return;
        }
        long bytes = (long) blocks * blockSize;
        outstanding++;
        if (bdev.canUseBuffer(buf, bufOffset, bytes)) {
            submitWrite(lba, blocks, buf, bufOffset, cb);
        } else {
            Bounce b = bounce(cb, buf, bufOffset, bytes, false);
            MemorySegment.copy(buf, bufOffset, b.buffer.segment(), 0, bytes);
            submitWrite(lba, blocks, b.buffer.segment(), 0, b);
        }
    }

    @Override
    public final void writeZeroes(long lba, long blocks, IoCompletion cb) {
        IoStatus bad = checkRange(lba, blocks, true);
        if (bad != null) {
            core.completeLater(cb, bad);
            return;
        }
        outstanding++;
        submitWriteZeroes(lba, blocks, cb);
    }

    @Override
    public final void unmap(long lba, long blocks, IoCompletion cb) {
        IoStatus bad = checkRange(lba, blocks, true);
        if (bad != null) {
            core.completeLater(cb, bad);
            return;
        }
        outstanding++;
        submitUnmap(lba, blocks, cb);
    }

    @Override
    public final void flush(IoCompletion cb) {
        core.checkCoreThread();
        if (closed) {
            core.completeLater(cb, IoStatus.ABORTED);
            return;
        }
        outstanding++;
        submitFlush(cb);
    }

    @Override
    public final void close() {
        core.checkCoreThread();
        if (closed) {
            return;
        }
        if (outstanding != 0) {
            throw new IllegalStateException(
                    "channel to " + bdev.uri() + " closed with " + outstanding + " I/O outstanding");
        }
        closed = true;
        for (Bounce b : bouncePool) {
            b.buffer.close();
        }
        bouncePool.clear();
        closeChannel();
    }

    protected final boolean isClosed() {
        return closed;
    }

    // ------------------------------------------------------------------ for subclasses

    protected abstract void submitRead(long lba, int blocks, MemorySegment buf, long bufOffset, IoCompletion cb);

    protected abstract void submitWrite(long lba, int blocks, MemorySegment buf, long bufOffset, IoCompletion cb);

    protected abstract void submitWriteZeroes(long lba, long blocks, IoCompletion cb);

    protected abstract void submitUnmap(long lba, long blocks, IoCompletion cb);

    protected abstract void submitFlush(IoCompletion cb);

    /** Releases what the subclass holds (pollers, rings, queues); called once, with nothing in flight. */
    protected abstract void closeChannel();

    /** Reports a completion: must be called on the owner thread, never inside the submit call. */
    protected final void done(IoCompletion cb, IoStatus status) {
        outstanding--;
        cb.complete(status);
    }

    /** Reports a completion from inside a submit call: delivered on a later iteration. */
    protected final void doneLater(IoCompletion cb, IoStatus status) {
        outstanding--;
        core.completeLater(cb, status);
    }

    // ------------------------------------------------------------------ validation

    private IoStatus check(long lba, int blocks, MemorySegment buf, long bufOffset, boolean write) {
        IoStatus bad = checkRange(lba, blocks, write);
        if (bad != null) {
            return bad;
        }
        long bytes = (long) blocks * blockSize;
        if (bufOffset < 0 || bufOffset > buf.byteSize() - bytes) {
            return IoStatus.DATA_TRANSFER_ERROR;
        }
        return null;
    }

    private IoStatus checkRange(long lba, long blocks, boolean write) {
        core.checkCoreThread();
        if (closed) {
            return IoStatus.ABORTED;
        }
        if (blocks <= 0) {
            return IoStatus.INVALID_FIELD;
        }
        if (lba < 0 || lba > blockCount - blocks) {
            return IoStatus.INVALID_RANGE;
        }
        if (write && bdev.readOnly()) {
            return IoStatus.READ_ONLY;
        }
        return null;
    }

    // ------------------------------------------------------------------ bouncing

    private Bounce bounce(IoCompletion cb, MemorySegment user, long userOffset, long bytes, boolean read) {
        bounced++;
        Bounce b = null;
        for (Bounce candidate : bouncePool) {
            if (candidate.buffer.byteSize() >= bytes) {
                b = candidate;
                break;
            }
        }
        if (b == null) {
            b = new Bounce(bdev.allocateBuffer(Math.max(bytes, 64 * 1024)));
        } else {
            bouncePool.remove(b);
        }
        b.cb = cb;
        b.user = user;
        b.userOffset = userOffset;
        b.bytes = bytes;
        b.read = read;
        return b;
    }

    /** A copy through device-usable memory; pooled per channel. */
    private final class Bounce implements IoCompletion {
        final IoBuffer buffer;
        IoCompletion cb;
        MemorySegment user;
        long userOffset;
        long bytes;
        boolean read;

        Bounce(IoBuffer buffer) {
            this.buffer = buffer;
        }

        @Override
        public void complete(IoStatus status) {
            if (read && status.isSuccess()) {
                MemorySegment.copy(buffer.segment(), 0, user, userOffset, bytes);
            }
            IoCompletion c = cb;
            cb = null;
            user = null;
            if (closed) {
                buffer.close();
            } else {
                bouncePool.push(this);
            }
            c.complete(status);
        }
    }
}
