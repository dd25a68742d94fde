package io.peregrine.nvmf.namespace;

import io.netty.util.concurrent.EventExecutor;
import io.peregrine.nvme.spec.StatusCode;

/**
 * A namespace with no storage: writes are dropped, reads leave the buffer as it is, everything
 * completes at once and successfully (SPDK's null bdev). Measures the target and the transport
 * alone.
 */
public final class NullNamespace implements Namespace {
    private final int blockSize;
    private final long blockCount;
    private final ListenerList listeners = new ListenerList();

    public NullNamespace(int blockSize, long blockCount) {
        if (blockSize < 512 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size must be a power of two of at least 512, got " + blockSize);
        }
        if (blockCount < 1) throw new IllegalArgumentException("a namespace needs at least one block");
        this.blockSize = blockSize;
        this.blockCount = blockCount;
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public long blockCount() {
        return blockCount;
    }

    @Override
    public boolean volatileWriteCache() {
        return false;
    }

    @Override
    public NamespaceChannel openChannel(EventExecutor executor) {
        return new NamespaceChannel() {
            @Override
            public void submit(NamespaceIo io) {
                switch (io.op()) {
                    case READ, WRITE, WRITE_ZEROES -> {
                        if (io.slba() < 0 || io.slba() + io.blocks() > blockCount) {
                            io.complete(StatusCode.LBA_OUT_OF_RANGE.fieldDnr());
                            return;
                        }
                        io.complete(0);
                    }
                    case FLUSH, DEALLOCATE -> io.complete(0);
                }
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    @Override
    public String toString() {
        return "NullNamespace[" + blockCount + " x " + blockSize + "]";
    }
}
