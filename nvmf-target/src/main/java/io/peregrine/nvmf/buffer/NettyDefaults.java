package io.peregrine.nvmf.buffer;

/**
 * Netty settings a process with an NVMe/TCP data path wants, applied before Netty's classes load
 * (they read system properties once). Each is set only when the user has not set it.
 *
 * <ul>
 *   <li>{@code io.netty.recycler.chunkSize=1024}: an event loop flushes the responses of a whole
 *       read batch at once, releasing hundreds of write-queue entries; Netty's per-thread recycler
 *       batch (32 by default) overflows into a shared queue that allocates as it cycles. A batch of
 *       1024 keeps the write path allocation-free at queue depth 128 and more.
 *   <li>{@code io.netty.leakDetection.level=disabled}: the default sampling detector allocates a
 *       tracking record every 128 buffers. Tests run with the paranoid level instead.
 * </ul>
 */
public final class NettyDefaults {
    private NettyDefaults() {}

    /** Call first thing in {@code main}, before anything touches Netty. */
    public static void forDataPath() {
        setIfAbsent("io.netty.recycler.chunkSize", "1024");
        setIfAbsent("io.netty.leakDetection.level", "disabled");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }
}
