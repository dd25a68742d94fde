package io.peregrine.nvme.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * {@link Libc} through FFM downcalls. Calls that can fail capture errno into a segment that
 * belongs to the calling thread (a {@link ThreadLocal}, allocated once per thread), so errno is
 * read after the call without racing another thread's call. Handles are named after the C
 * function, {@code open$mh}-style.
 */
@SuppressWarnings("restricted") // FFM downcalls and reinterpret are this class's job
final class JdkLibc implements Libc {

    static final JdkLibc INSTANCE = new JdkLibc();

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle errno$vh = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle open$mh =
            downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), ERRNO, variadicFrom(2));
    private static final MethodHandle close$mh = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO);
    private static final MethodHandle ioctlLong$mh =
            downcall("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), ERRNO, variadicFrom(2));
    private static final MethodHandle ioctlPointer$mh =
            downcall("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), ERRNO, variadicFrom(2));
    private static final MethodHandle pread$mh =
            downcall("pread", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG), ERRNO);
    private static final MethodHandle pwrite$mh =
            downcall("pwrite", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG), ERRNO);
    private static final MethodHandle mmap$mh = downcall(
            "mmap", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), ERRNO);
    private static final MethodHandle munmap$mh =
            downcall("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), ERRNO);
    private static final MethodHandle memfd_create$mh =
            downcall("memfd_create", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    private static final MethodHandle ftruncate$mh =
            downcall("ftruncate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG), ERRNO);
    private static final MethodHandle madvise$mh =
            downcall("madvise", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), ERRNO);
    private static final MethodHandle fsync$mh = downcall("fsync", FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO);
    private static final MethodHandle fallocate$mh =
            downcall("fallocate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), ERRNO);
    private static final MethodHandle unlink$mh = downcall("unlink", FunctionDescriptor.of(JAVA_INT, ADDRESS), ERRNO);
    private static final MethodHandle strerror$mh = downcall("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));

    /** This thread's errno capture buffer; freed with the thread (automatic arena). */
    private final ThreadLocal<MemorySegment> callState =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    private JdkLibc() {}

    private static Linker.Option variadicFrom(int index) {
        return Linker.Option.firstVariadicArg(index);
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup()
                .find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("the C library has no " + name + "()"));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    private MemorySegment state() {
        return callState.get();
    }

    @Override
    public int errno() {
        return (int) errno$vh.get(state(), 0L);
    }

    @Override
    public int open(String path, int flags, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) open$mh.invokeExact(state(), arena.allocateFrom(path), flags, mode);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int close(int fd) {
        try {
            return (int) close$mh.invokeExact(state(), fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int ioctl(int fd, long request, long argument) {
        try {
            return (int) ioctlLong$mh.invokeExact(state(), fd, request, argument);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int ioctl(int fd, long request, MemorySegment argument) {
        try {
            return (int) ioctlPointer$mh.invokeExact(state(), fd, request, argument);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long pread(int fd, MemorySegment buffer, long count, long offset) {
        if (count > buffer.byteSize()) throw new IndexOutOfBoundsException(count + " > " + buffer.byteSize());
        try {
            return (long) pread$mh.invokeExact(state(), fd, buffer, count, offset);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long pwrite(int fd, MemorySegment buffer, long count, long offset) {
        if (count > buffer.byteSize()) throw new IndexOutOfBoundsException(count + " > " + buffer.byteSize());
        try {
            return (long) pwrite$mh.invokeExact(state(), fd, buffer, count, offset);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public MemorySegment mmap(long length, int prot, int flags, int fd, long offset) {
        try {
            MemorySegment p =
                    (MemorySegment) mmap$mh.invokeExact(state(), MemorySegment.NULL, length, prot, flags, fd, offset);
            return p.address() == MAP_FAILED ? p : p.reinterpret(length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int munmap(MemorySegment mapping) {
        try {
            return (int) munmap$mh.invokeExact(state(), mapping, mapping.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int memfdCreate(String name, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) memfd_create$mh.invokeExact(state(), arena.allocateFrom(name), flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int ftruncate(int fd, long length) {
        try {
            return (int) ftruncate$mh.invokeExact(state(), fd, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int madvise(MemorySegment range, int advice) {
        try {
            return (int) madvise$mh.invokeExact(state(), range, range.byteSize(), advice);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int fsync(int fd) {
        try {
            return (int) fsync$mh.invokeExact(state(), fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int fallocate(int fd, int mode, long offset, long length) {
        try {
            return (int) fallocate$mh.invokeExact(state(), fd, mode, offset, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int unlink(String path) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) unlink$mh.invokeExact(state(), arena.allocateFrom(path));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) strerror$mh.invokeExact(errno);
            return text.equals(MemorySegment.NULL)
                    ? "errno " + errno
                    : text.reinterpret(1024).getString(0, StandardCharsets.UTF_8);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Downcalls throw nothing checked; anything else is a bug worth surfacing unchanged. */
    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("downcall failed", t);
    }
}
