package io.peregrine.dataplane.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The C library calls the dataplane makes, through FFM downcalls. Handles are immutable statics
 * named after the C function ({@code pread$mh}); errno is captured into a segment owned by each
 * {@code Libc} instance, so every thread that makes calls owns its instance (no shared capture
 * state, unlike a single static one).
 *
 * <p>Calls on an I/O path ({@link #pread}, {@link #pwrite}, ...) take buffers as raw addresses and
 * return {@code -errno} on failure, so they allocate nothing. Setup calls ({@link #open}, {@link
 * #mmap}, ...) throw {@link SysException}. Man-page names and argument orders are kept.
 */
@SuppressWarnings("restricted") // this class is where the dataplane calls into C
public final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LOOKUP = LINKER.defaultLookup();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle errno$vh =
            CAPTURE_LAYOUT.varHandle(PathElement.groupElement("errno")).withInvokeExactBehavior();

    /** x86_64 and aarch64 differ in a few open(2) flag values (asm/fcntl.h). */
    private static final boolean AARCH64 = "aarch64".equals(System.getProperty("os.arch"));

    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_DIRECT = AARCH64 ? 0200000 : 040000;
    public static final int O_CLOEXEC = 02000000;

    public static final int SEEK_END = 2;

    /** fallocate(2) modes (linux/falloc.h). */
    public static final int FALLOC_FL_KEEP_SIZE = 0x01;

    public static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    public static final int FALLOC_FL_ZERO_RANGE = 0x10;

    /** flock(2) operations. */
    public static final int LOCK_SH = 1;

    public static final int LOCK_EX = 2;
    public static final int LOCK_NB = 4;

    /** mmap(2) protections and flags. */
    public static final int PROT_READ = 1;

    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final int MAP_POPULATE = 0x8000;
    public static final long MAP_FAILED = -1L;

    /** ioctl(2) requests on block devices (linux/fs.h): _IO(0x12,104) and _IOR(0x12,114,size_t). */
    public static final long BLKSSZGET = 0x1268L;

    public static final long BLKGETSIZE64 = 0x80081272L;

    private static final MethodHandle open$mh = downcall(
            "open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle close$mh = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle pread$mh =
            downcall("pread", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle pwrite$mh =
            downcall("pwrite", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle fdatasync$mh = downcall("fdatasync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle fallocate$mh =
            downcall("fallocate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle ftruncate$mh =
            downcall("ftruncate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle lseek$mh =
            downcall("lseek", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle flock$mh = downcall("flock", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle ioctl$mh = downcall(
            "ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle syscall6$mh = downcall(
            "syscall",
            FunctionDescriptor.of(
                    JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));
    private static final MethodHandle mmap$mh = downcall(
            "mmap", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle munmap$mh =
            downcall("munmap", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle sched_setaffinity$mh =
            downcall("sched_setaffinity", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle sched_getaffinity$mh =
            downcall("sched_getaffinity", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle strerror$mh =
            LINKER.downcallHandle(LOOKUP.findOrThrow("strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private final MemorySegment capture;

    /** A call context whose errno capture lives in {@code arena}; use it from one thread at a time. */
    public Libc(Arena arena) {
        this.capture = arena.allocate(CAPTURE_LAYOUT);
    }

    private static MethodHandle downcall(String name, FunctionDescriptor fd, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(LOOKUP.findOrThrow(name), fd, options);
    }

    private int errno() {
        return (int) errno$vh.get(capture, 0L);
    }

    /** The C library's text for an errno value. */
    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) strerror$mh.invokeExact(errno);
            return s.equals(MemorySegment.NULL)
                    ? Errno.name(errno)
                    : s.reinterpret(512).getString(0);
        } catch (Throwable t) {
            throw new AssertionError("strerror downcall failed", t);
        }
    }

    private SysException failure(String call, String subject) {
        int e = errno();
        return new SysException(call, subject, e, strerror(e));
    }

    // ------------------------------------------------------------------ setup calls (throwing)

    /** open(2); returns the file descriptor. */
    public int open(String path, int flags, int mode) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) open$mh.invokeExact(capture, arena.allocateFrom(path), flags, mode);
            if (fd < 0) {
                throw failure("open", path);
            }
            return fd;
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("open downcall failed", t);
        }
    }

    /** close(2); errors are reported, since a failed close of a written file can mean lost data. */
    public void close(int fd) throws SysException {
        int r = invokeInt(close$mh, fd);
        if (r < 0) {
            throw failure("close", "fd " + fd);
        }
    }

    /** ftruncate(2). */
    public void ftruncate(int fd, long length, String subject) throws SysException {
        int r;
        try {
            r = (int) ftruncate$mh.invokeExact(capture, fd, length);
        } catch (Throwable t) {
            throw new AssertionError("ftruncate downcall failed", t);
        }
        if (r < 0) {
            throw failure("ftruncate", subject);
        }
    }

    /** lseek(fd, 0, SEEK_END): the size of a regular file or a block device. */
    public long sizeOf(int fd, String subject) throws SysException {
        long r;
        try {
            r = (long) lseek$mh.invokeExact(capture, fd, 0L, SEEK_END);
        } catch (Throwable t) {
            throw new AssertionError("lseek downcall failed", t);
        }
        if (r < 0) {
            throw failure("lseek", subject);
        }
        return r;
    }

    /** flock(2); returns {@code -errno} ({@code -EAGAIN} when the lock is held elsewhere) or 0. */
    public int flock(int fd, int operation) {
        int r;
        try {
            r = (int) flock$mh.invokeExact(capture, fd, operation);
        } catch (Throwable t) {
            throw new AssertionError("flock downcall failed", t);
        }
        return r < 0 ? -errno() : 0;
    }

    /** ioctl(2) with a pointer argument; throws on failure. */
    public void ioctl(int fd, long request, MemorySegment arg, String subject) throws SysException {
        int r;
        try {
            r = (int) ioctl$mh.invokeExact(capture, fd, request, arg.address());
        } catch (Throwable t) {
            throw new AssertionError("ioctl downcall failed", t);
        }
        if (r < 0) {
            throw failure("ioctl", subject);
        }
    }

    /** mmap(2) of a shared mapping of {@code fd}; returns the address. */
    public long mmap(long length, int prot, int flags, int fd, long offset, String subject) throws SysException {
        long r;
        try {
            r = (long) mmap$mh.invokeExact(capture, 0L, length, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw new AssertionError("mmap downcall failed", t);
        }
        if (r == MAP_FAILED) {
            throw failure("mmap", subject);
        }
        return r;
    }

    /** munmap(2). */
    public void munmap(long address, long length) throws SysException {
        int r;
        try {
            r = (int) munmap$mh.invokeExact(capture, address, length);
        } catch (Throwable t) {
            throw new AssertionError("munmap downcall failed", t);
        }
        if (r < 0) {
            throw failure("munmap", Long.toHexString(address));
        }
    }

    /**
     * sched_setaffinity(2) for the calling thread (pid 0) with a CPU bit mask; returns 0 or
     * {@code -errno}.
     */
    public int schedSetaffinity(MemorySegment mask) {
        try {
            int r = (int) sched_setaffinity$mh.invokeExact(capture, 0, mask.byteSize(), mask);
            return r < 0 ? -errno() : 0;
        } catch (Throwable t) {
            throw new AssertionError("sched_setaffinity downcall failed", t);
        }
    }

    /** sched_getaffinity(2) for the calling thread into {@code mask}; returns 0 or {@code -errno}. */
    public int schedGetaffinity(MemorySegment mask) {
        try {
            int r = (int) sched_getaffinity$mh.invokeExact(capture, 0, mask.byteSize(), mask);
            return r < 0 ? -errno() : 0;
        } catch (Throwable t) {
            throw new AssertionError("sched_getaffinity downcall failed", t);
        }
    }

    // ------------------------------------------------------------------ I/O-path calls (-errno)

    /** pread(2) into {@code count} bytes at native address {@code buf}; bytes read or {@code -errno}. */
    public long pread(int fd, long buf, long count, long offset) {
        try {
            long r = (long) pread$mh.invokeExact(capture, fd, buf, count, offset);
            return r < 0 ? -errno() : r;
        } catch (Throwable t) {
            throw new AssertionError("pread downcall failed", t);
        }
    }

    /** pwrite(2) from native address {@code buf}; bytes written or {@code -errno}. */
    public long pwrite(int fd, long buf, long count, long offset) {
        try {
            long r = (long) pwrite$mh.invokeExact(capture, fd, buf, count, offset);
            return r < 0 ? -errno() : r;
        } catch (Throwable t) {
            throw new AssertionError("pwrite downcall failed", t);
        }
    }

    /** fdatasync(2); 0 or {@code -errno}. */
    public int fdatasync(int fd) {
        return result(invokeInt(fdatasync$mh, fd));
    }

    /** fallocate(2); 0 or {@code -errno}. */
    public int fallocate(int fd, int mode, long offset, long length) {
        try {
            int r = (int) fallocate$mh.invokeExact(capture, fd, mode, offset, length);
            return result(r);
        } catch (Throwable t) {
            throw new AssertionError("fallocate downcall failed", t);
        }
    }

    /** syscall(2) with up to six arguments; the result or {@code -errno}. */
    public long syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6) {
        try {
            long r = (long) syscall6$mh.invokeExact(capture, number, a1, a2, a3, a4, a5, a6);
            return r < 0 ? -errno() : r;
        } catch (Throwable t) {
            throw new AssertionError("syscall downcall failed", t);
        }
    }

    private int result(int r) {
        return r < 0 ? -errno() : r;
    }

    private int invokeInt(MethodHandle mh, int fd) {
        try {
            return (int) mh.invokeExact(capture, fd);
        } catch (Throwable t) {
            throw new AssertionError("downcall failed", t);
        }
    }
}
