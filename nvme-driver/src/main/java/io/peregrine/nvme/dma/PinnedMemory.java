package io.peregrine.nvme.dma;

import io.peregrine.nvme.os.Errno;
import io.peregrine.nvme.os.ErrnoException;
import io.peregrine.nvme.os.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Anonymous memory for DMA, from the kernel by mmap: 2 MiB hugepages through memfd_create
 * (MFD_HUGETLB) or a hugetlbfs file, or ordinary 4 KiB pages. Hugepages never move or swap and
 * need one IOMMU entry per 2 MiB; VFIO pins 4 KiB pages too, but with 512 times more entries
 * and TLB misses.
 */
final class PinnedMemory {

    private final Libc libc;

    PinnedMemory(Libc libc) {
        this.libc = libc;
    }

    /**
     * {@code size} bytes of hugepages, populated; {@code null} when the system has none to give
     * (the caller decides whether that is fatal). Other failures throw.
     */
    MemorySegment hugePages(long size, String hugetlbfs) {
        int fd = libc.memfdCreate("peregrine-dma", Libc.MFD_CLOEXEC | Libc.MFD_HUGETLB | Libc.MFD_HUGE_2MB);
        if (fd < 0) {
            int errno = libc.errno();
            if (errno != Errno.EINVAL && errno != Errno.ENOSYS) {
                throw new DmaException(ErrnoException.describe(libc, "memfd_create(MFD_HUGETLB)", errno));
            }
            return hugetlbfsFile(size, hugetlbfs);
        }
        try {
            return mapHugeFd(fd, size);
        } finally {
            libc.close(fd); // the mapping keeps the memory
        }
    }

    private MemorySegment hugetlbfsFile(long size, String mount) {
        if (mount == null || !Files.isDirectory(Path.of(mount))) return null;
        String path = mount + "/peregrine-dma-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        int fd = libc.open(path, Libc.O_RDWR | Libc.O_CREAT | Libc.O_EXCL | Libc.O_CLOEXEC, 0600);
        if (fd < 0) {
            int errno = libc.errno();
            throw new DmaException(ErrnoException.describe(libc, "open(" + path + ")", errno)
                    + ": cannot create DMA memory on the hugetlbfs mount " + mount);
        }
        try {
            libc.unlink(path);
            return mapHugeFd(fd, size);
        } finally {
            libc.close(fd);
        }
    }

    private MemorySegment mapHugeFd(int fd, long size) {
        if (libc.ftruncate(fd, size) < 0) {
            int errno = libc.errno();
            if (errno == Errno.EINVAL || errno == Errno.ENOMEM || errno == Errno.ENOSPC) return null;
            throw new DmaException(ErrnoException.describe(libc, "ftruncate(hugepage file, " + size + ")", errno));
        }
        MemorySegment mapping =
                libc.mmap(size, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED | Libc.MAP_POPULATE, fd, 0);
        if (mapping.address() == Libc.MAP_FAILED) {
            int errno = libc.errno();
            // hugetlb reserves at mmap: ENOMEM is "not enough free hugepages"
            if (errno == Errno.ENOMEM || errno == Errno.EINVAL) return null;
            throw new DmaException(ErrnoException.describe(libc, "mmap(" + size + " bytes of hugepages)", errno));
        }
        return mapping;
    }

    /** {@code size} bytes of ordinary pages, populated. */
    MemorySegment smallPages(long size) {
        MemorySegment mapping = libc.mmap(
                size,
                Libc.PROT_READ | Libc.PROT_WRITE,
                Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_POPULATE,
                -1,
                0);
        if (mapping.address() == Libc.MAP_FAILED) {
            int errno = libc.errno();
            throw new DmaException(ErrnoException.describe(libc, "mmap(" + size + " bytes for DMA)", errno));
        }
        return mapping;
    }

    /**
     * The mapping as a segment of {@code arena}: closing the arena unmaps it, and any access after
     * that throws instead of touching memory the kernel may have reused — a bug on the data path
     * must not bring the daemon down with a SIGSEGV.
     */
    @SuppressWarnings("restricted") // binding mmap'ed memory to an arena is what this method is for
    MemorySegment bind(MemorySegment mapping, Arena arena) {
        return mapping.reinterpret(arena, raw -> libc.munmap(raw));
    }

    /** "HugePages_Free: 0, Hugepagesize: 2048 kB" from /proc/meminfo, for messages. */
    static String hugePageStatus() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream()
                    .filter(l -> l.startsWith("HugePages_Total")
                            || l.startsWith("HugePages_Free")
                            || l.startsWith("Hugepagesize"))
                    .map(l -> l.replaceAll("\\s+", " "))
                    .reduce((a, b) -> a + ", " + b)
                    .orElse("no hugepage lines in /proc/meminfo");
        } catch (IOException e) {
            return "/proc/meminfo unreadable";
        }
    }
}
