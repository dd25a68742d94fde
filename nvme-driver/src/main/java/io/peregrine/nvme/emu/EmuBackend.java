package io.peregrine.nvme.emu;

import io.peregrine.nvme.os.ErrnoException;
import io.peregrine.nvme.os.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * Where a model namespace keeps its blocks: anonymous memory, a file, or nowhere (a null
 * namespace that completes every command without moving data, for measuring the driver alone).
 * Memory and files are mapped, so the model copies between them and host DMA memory with one
 * {@link MemorySegment#copy} per PRP page.
 */
public sealed interface EmuBackend extends AutoCloseable {

    /** Bytes of storage. */
    long size();

    /** The storage as memory; {@code null} for the null backend. */
    MemorySegment data();

    /** Makes written data durable (the model's volatile write cache flush). */
    void flush();

    /** Forgets a byte range: it reads back as zeroes. */
    void deallocate(long offset, long length);

    @Override
    void close();

    /** Sparse anonymous memory: pages exist once written. */
    static EmuBackend memory(long size) {
        return new Memory(Libc.linux(), size);
    }

    /** A file, created or grown to {@code size} bytes; {@code size} 0 takes the file's own size. */
    static EmuBackend file(Path path, long size) {
        return new File(Libc.linux(), path, size);
    }

    /** No storage at all: reads leave buffers untouched, writes are discarded. */
    static EmuBackend nullBackend(long size) {
        return new Null(size);
    }

    /** Anonymous MAP_NORESERVE memory; deallocation gives whole pages back with MADV_DONTNEED. */
    final class Memory implements EmuBackend {
        private final Libc libc;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment data;

        Memory(Libc libc, long size) {
            if (size <= 0) throw new IllegalArgumentException("size must be positive, got " + size);
            this.libc = libc;
            MemorySegment mapping = libc.mmap(
                    size,
                    Libc.PROT_READ | Libc.PROT_WRITE,
                    Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_NORESERVE,
                    -1,
                    0);
            if (mapping.address() == Libc.MAP_FAILED) {
                int errno = libc.errno();
                throw new IllegalStateException(ErrnoException.describe(libc, "mmap(" + size + " bytes)", errno));
            }
            this.data = bind(libc, mapping, arena);
        }

        @Override
        public long size() {
            return data.byteSize();
        }

        @Override
        public MemorySegment data() {
            return data;
        }

        @Override
        public void flush() {}

        @Override
        public void deallocate(long offset, long length) {
            zeroRange(libc, data, offset, length);
        }

        @Override
        public void close() {
            arena.close(); // munmap
        }
    }

    /** A file mapped MAP_SHARED; flush is fsync, deallocation punches holes. */
    final class File implements EmuBackend {
        private final Libc libc;
        private final Path path;
        private final int fd;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment data;

        File(Libc libc, Path path, long size) {
            this.libc = libc;
            this.path = path;
            int opened = libc.open(path.toString(), Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC, 0644);
            if (opened < 0) {
                int errno = libc.errno();
                throw new IllegalArgumentException(ErrnoException.describe(libc, "open(" + path + ")", errno));
            }
            this.fd = opened;
            try {
                long existing = java.nio.file.Files.size(path);
                long wanted = size > 0 ? size : existing;
                if (wanted <= 0) {
                    throw new IllegalArgumentException(path + " is empty: give a size (emu:///path?size=1G)");
                }
                if (existing < wanted) {
                    ErrnoException.check(libc, "ftruncate(" + path + ")", libc.ftruncate(fd, wanted));
                }
                MemorySegment mapping = libc.mmap(wanted, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, fd, 0);
                if (mapping.address() == Libc.MAP_FAILED) {
                    int errno = libc.errno();
                    throw new IllegalStateException(ErrnoException.describe(libc, "mmap(" + path + ")", errno));
                }
                this.data = bind(libc, mapping, arena);
            } catch (java.io.IOException e) {
                libc.close(fd);
                throw new java.io.UncheckedIOException(e);
            } catch (RuntimeException e) {
                libc.close(fd);
                throw e;
            }
        }

        @Override
        public long size() {
            return data.byteSize();
        }

        @Override
        public MemorySegment data() {
            return data;
        }

        @Override
        public void flush() {
            ErrnoException.check(libc, "fsync(" + path + ")", libc.fsync(fd));
        }

        @Override
        public void deallocate(long offset, long length) {
            long first = (offset + 4095) & -4096L;
            long end = (offset + length) & -4096L;
            if (end > first
                    && libc.fallocate(fd, Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE, first, end - first)
                            == 0) {
                data.asSlice(offset, first - offset).fill((byte) 0);
                data.asSlice(end, offset + length - end).fill((byte) 0);
            } else {
                data.asSlice(offset, length).fill((byte) 0); // filesystems without hole punching
            }
        }

        @Override
        public void close() {
            arena.close(); // munmap
            libc.close(fd);
        }
    }

    /** No storage. */
    final class Null implements EmuBackend {
        private final long size;

        Null(long size) {
            if (size <= 0) throw new IllegalArgumentException("size must be positive, got " + size);
            this.size = size;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public MemorySegment data() {
            return null;
        }

        @Override
        public void flush() {}

        @Override
        public void deallocate(long offset, long length) {}

        @Override
        public void close() {}
    }

    /** The mapping as a segment of {@code arena}, unmapped when it closes; later accesses throw. */
    @SuppressWarnings("restricted")
    private static MemorySegment bind(Libc libc, MemorySegment mapping, Arena arena) {
        return mapping.reinterpret(arena, raw -> libc.munmap(raw));
    }

    /** Zeroes a range, handing whole pages back to the kernel instead of writing them. */
    private static void zeroRange(Libc libc, MemorySegment data, long offset, long length) {
        long first = (offset + 4095) & -4096L;
        long end = (offset + length) & -4096L;
        if (end > first && libc.madvise(data.asSlice(first, end - first), Libc.MADV_DONTNEED) == 0) {
            data.asSlice(offset, first - offset).fill((byte) 0);
            data.asSlice(end, offset + length - end).fill((byte) 0);
        } else {
            data.asSlice(offset, length).fill((byte) 0);
        }
    }
}
