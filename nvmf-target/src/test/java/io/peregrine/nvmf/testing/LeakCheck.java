package io.peregrine.nvmf.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector (at PARANOID level in tests) found a buffer that
 * was never released. Leaks surface only after the buffer was collected, so this forces a few GCs
 * and allocations (which is when the detector looks) before asking.
 */
public final class LeakCheck implements AfterAllCallback {
    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        List<String> leaks = List.of();
        for (int round = 0; round < 5 && leaks.isEmpty(); round++) {
            System.gc();
            Thread.sleep(50);
            for (int i = 0; i < 64; i++) {
                ByteBuf probe = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                probe.release();
                ByteBuf heap = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
                heap.release();
            }
            leaks = LeakRecorder.drain();
        }
        if (!leaks.isEmpty()) fail(leaks.size() + " Netty buffer leak(s):\n" + String.join("\n", leaks));
    }
}
