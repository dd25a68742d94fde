package io.peregrine.nvme.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibcTest {

    private final Libc libc = Libc.linux();

    @Test
    void errnoIsCapturedPerCall() {
        assertEquals(-1, libc.open("/nonexistent/peregrine", Libc.O_RDONLY, 0));
        assertEquals(Errno.ENOENT, libc.errno());
        ErrnoException e = assertThrows(
                ErrnoException.class,
                () -> ErrnoException.check(
                        libc, "open(/nonexistent)", libc.open("/nonexistent/peregrine", Libc.O_RDONLY, 0)));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("open(/nonexistent) failed: No such file or directory (ENOENT)", e.getMessage());
    }

    @Test
    void eachThreadSeesItsOwnErrno() throws Exception {
        CountDownLatch failed = new CountDownLatch(1);
        CountDownLatch checked = new CountDownLatch(1);
        int[] other = new int[1];
        Thread t = Thread.ofPlatform().start(() -> {
            libc.close(-1); // EBADF on that thread
            failed.countDown();
            try {
                checked.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            other[0] = libc.errno();
        });
        failed.await();
        libc.open("/nonexistent/peregrine", Libc.O_RDONLY, 0); // ENOENT on this one
        checked.countDown();
        t.join();
        assertEquals(Errno.ENOENT, libc.errno());
        assertEquals(Errno.EBADF, other[0]);
    }

    @Test
    void fileCallsRoundTrip(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("f");
        int fd = ErrnoException.check(libc, "open", libc.open(file.toString(), Libc.O_RDWR | Libc.O_CREAT, 0600));
        try {
            assertEquals(0, libc.ftruncate(fd, 8192));
            MemorySegment buffer = MemorySegment.ofArray(new byte[4]);
            buffer.set(ValueLayout.JAVA_INT_UNALIGNED, 0, 0x12345678);
            MemorySegment nativeBuffer = java.lang.foreign.Arena.ofAuto().allocate(4);
            MemorySegment.copy(buffer, 0, nativeBuffer, 0, 4);
            assertEquals(4, libc.pwrite(fd, nativeBuffer, 4, 100));
            nativeBuffer.fill((byte) 0);
            assertEquals(4, libc.pread(fd, nativeBuffer, 4, 100));
            assertEquals(0x12345678, nativeBuffer.get(ValueLayout.JAVA_INT_UNALIGNED, 0));
            MemorySegment mapping = libc.mmap(8192, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, fd, 0);
            assertTrue(mapping.address() != Libc.MAP_FAILED);
            assertEquals(0x12345678, mapping.get(ValueLayout.JAVA_INT_UNALIGNED, 100));
            assertEquals(0, libc.fsync(fd));
            assertEquals(0, libc.munmap(mapping));
            assertThrows(IndexOutOfBoundsException.class, () -> libc.pread(fd, nativeBuffer, 8, 0));
        } finally {
            libc.close(fd);
        }
        assertEquals(0, libc.unlink(file.toString()));
        assertTrue(!Files.exists(file));
    }

    @Test
    void anonymousMemoryAndMemfd() {
        MemorySegment m =
                libc.mmap(4096, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0);
        m.set(ValueLayout.JAVA_LONG, 8, 42);
        assertEquals(0, libc.madvise(m, Libc.MADV_DONTNEED));
        assertEquals(0, m.get(ValueLayout.JAVA_LONG, 8), "MADV_DONTNEED gives back zero pages");
        assertEquals(0, libc.munmap(m));
        int fd = libc.memfdCreate("peregrine-test", Libc.MFD_CLOEXEC);
        assertTrue(fd >= 0);
        libc.close(fd);
        assertTrue(libc.strerror(Errno.EACCES).contains("ermission"));
        assertEquals("EOPNOTSUPP", Errno.name(Errno.EOPNOTSUPP));
        assertEquals("errno 999", Errno.name(999));
    }
}
