package io.peregrine.csi.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * statvfs(3) through FFM: bytes and inodes of a mounted filesystem, exactly as the kernel
 * reports them, with no df(1) to parse. Layout of {@code struct statvfs} on 64-bit Linux
 * (glibc bits/statvfs.h): eleven 8-byte fields then six ints of padding.
 */
@SuppressWarnings("restricted") // FFM downcall: statvfs from the C library, a fixed and documented ABI
public final class StatFs {

    /** Capacity of a filesystem in bytes and inodes. */
    public record Usage(
            long totalBytes, long availableBytes, long usedBytes, long totalInodes, long freeInodes, long usedInodes) {}

    private static final StructLayout STATVFS = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("f_bsize"),
            ValueLayout.JAVA_LONG.withName("f_frsize"),
            ValueLayout.JAVA_LONG.withName("f_blocks"),
            ValueLayout.JAVA_LONG.withName("f_bfree"),
            ValueLayout.JAVA_LONG.withName("f_bavail"),
            ValueLayout.JAVA_LONG.withName("f_files"),
            ValueLayout.JAVA_LONG.withName("f_ffree"),
            ValueLayout.JAVA_LONG.withName("f_favail"),
            ValueLayout.JAVA_LONG.withName("f_fsid"),
            ValueLayout.JAVA_LONG.withName("f_flag"),
            ValueLayout.JAVA_LONG.withName("f_namemax"),
            MemoryLayout.sequenceLayout(6, ValueLayout.JAVA_INT).withName("__f_spare"));

    private static final VarHandle f_frsize$vh = field("f_frsize");
    private static final VarHandle f_blocks$vh = field("f_blocks");
    private static final VarHandle f_bfree$vh = field("f_bfree");
    private static final VarHandle f_bavail$vh = field("f_bavail");
    private static final VarHandle f_files$vh = field("f_files");
    private static final VarHandle f_ffree$vh = field("f_ffree");

    private static final StructLayout CAPTURED = Linker.Option.captureStateLayout();
    private static final VarHandle errno$vh =
            CAPTURED.varHandle(MemoryLayout.PathElement.groupElement("errno")).withInvokeExactBehavior();

    private static final MethodHandle statvfs$mh = Linker.nativeLinker()
            .downcallHandle(
                    Linker.nativeLinker().defaultLookup().find("statvfs").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS),
                    Linker.Option.captureCallState("errno"));

    private StatFs() {}

    public static Usage of(Path path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(STATVFS);
            MemorySegment errno = arena.allocate(CAPTURED);
            int rc = (int) statvfs$mh.invokeExact(errno, arena.allocateFrom(path.toString()), buf);
            if (rc != 0) {
                int code = (int) errno$vh.get(errno, 0L);
                throw new UncheckedIOException(new IOException("statvfs(" + path + ") failed: errno " + code));
            }
            long frsize = (long) f_frsize$vh.get(buf, 0L);
            long blocks = (long) f_blocks$vh.get(buf, 0L);
            long bfree = (long) f_bfree$vh.get(buf, 0L);
            long bavail = (long) f_bavail$vh.get(buf, 0L);
            long files = (long) f_files$vh.get(buf, 0L);
            long ffree = (long) f_ffree$vh.get(buf, 0L);
            return new Usage(blocks * frsize, bavail * frsize, (blocks - bfree) * frsize, files, ffree, files - ffree);
        } catch (UncheckedIOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("statvfs downcall failed", t);
        }
    }

    private static VarHandle field(String name) {
        return STATVFS.varHandle(MemoryLayout.PathElement.groupElement(name)).withInvokeExactBehavior();
    }
}
