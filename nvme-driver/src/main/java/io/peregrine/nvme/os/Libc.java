package io.peregrine.nvme.os;

import java.lang.foreign.MemorySegment;

/**
 * The C library calls the driver needs, mirroring their C signatures (see the man pages named on
 * each method). Every call returns what C returns; when it signals failure, {@link #errno()} on
 * the same thread tells why — each thread captures its own errno, so concurrent callers never see
 * each other's. {@link ErrnoException#check} turns a failure into an exception that names the call.
 *
 * <p>Obtain it with {@link #linux()}. The implementation (FFM downcalls) is package-private.
 */
public interface Libc {

    int O_RDONLY = 0;
    int O_RDWR = 2;
    int O_CREAT = 0100;
    int O_EXCL = 0200;
    int O_CLOEXEC = 02000000;

    int PROT_READ = 1;
    int PROT_WRITE = 2;
    int MAP_SHARED = 0x01;
    int MAP_PRIVATE = 0x02;
    int MAP_ANONYMOUS = 0x20;
    int MAP_NORESERVE = 0x4000;
    int MAP_POPULATE = 0x8000;
    int MAP_HUGETLB = 0x40000;

    int MADV_DONTNEED = 4;
    int FALLOC_FL_KEEP_SIZE = 0x01;
    int FALLOC_FL_PUNCH_HOLE = 0x02;

    int MFD_CLOEXEC = 0x0001;
    int MFD_HUGETLB = 0x0004;
    /** log2(2 MiB) in the MFD_HUGE_SHIFT (26) position. */
    int MFD_HUGE_2MB = 21 << 26;

    /** The value mmap returns on failure. */
    long MAP_FAILED = -1L;

    /** The Linux implementation; stateless apart from each thread's errno, so one may be shared. */
    static Libc linux() {
        return JdkLibc.INSTANCE;
    }

    /** The errno the last failed call on this thread left. */
    int errno();

    /** open(2) */
    int open(String path, int flags, int mode);

    /** close(2) */
    int close(int fd);

    /** ioctl(2) with an integer argument. */
    int ioctl(int fd, long request, long argument);

    /** ioctl(2) with a pointer argument. */
    int ioctl(int fd, long request, MemorySegment argument);

    /** pread(2) */
    long pread(int fd, MemorySegment buffer, long count, long offset);

    /** pwrite(2) */
    long pwrite(int fd, MemorySegment buffer, long count, long offset);

    /** mmap(2); answers the mapping as a segment of {@code length} bytes, or one whose address is {@link #MAP_FAILED}. */
    MemorySegment mmap(long length, int prot, int flags, int fd, long offset);

    /** munmap(2) */
    int munmap(MemorySegment mapping);

    /** memfd_create(2) */
    int memfdCreate(String name, int flags);

    /** ftruncate(2) */
    int ftruncate(int fd, long length);

    /** madvise(2) */
    int madvise(MemorySegment range, int advice);

    /** fsync(2) */
    int fsync(int fd);

    /** fallocate(2) */
    int fallocate(int fd, int mode, long offset, long length);

    /** unlink(2) */
    int unlink(String path);

    /** strerror(3): the C library's text for an errno. */
    String strerror(int errno);
}
