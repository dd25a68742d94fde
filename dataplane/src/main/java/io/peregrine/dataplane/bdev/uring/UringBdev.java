package io.peregrine.dataplane.bdev.uring;

import io.peregrine.dataplane.bdev.AbstractBdevChannel;
import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.bdev.BdevChannel;
import io.peregrine.dataplane.bdev.BdevException;
import io.peregrine.dataplane.bdev.BdevFeatures;
import io.peregrine.dataplane.bdev.BdevSpec;
import io.peregrine.dataplane.bdev.IoCompletion;
import io.peregrine.dataplane.bdev.IoStatus;
import io.peregrine.dataplane.bdev.IoType;
import io.peregrine.dataplane.bdev.OpenMode;
import io.peregrine.dataplane.bdev.Sizes;
import io.peregrine.dataplane.reactor.Poller;
import io.peregrine.dataplane.reactor.ReactorCore;
import io.peregrine.dataplane.sys.Errno;
import io.peregrine.dataplane.sys.Libc;
import io.peregrine.dataplane.sys.SysException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A block device or a regular file through io_uring with O_DIRECT ({@code uring:///dev/sdb}): the
 * fallback for nodes without a spare NVMe controller. Each channel owns its own ring; the poller
 * submits everything prepared during an iteration with one {@code io_uring_enter(2)} and reaps
 * completions from shared memory without a system call.
 *
 * <p>Block devices are opened with O_EXCL, which the kernel refuses while the device is mounted
 * or held by another exclusive opener; regular files are locked with flock(2).
 */
public final class UringBdev implements Bdev {
    private static final System.Logger LOG = System.getLogger(UringBdev.class.getName());
    static final int RING_ENTRIES = 256;
    private static final int FILE_BLOCK_SIZE = 4096;

    private final BdevSpec.Uring spec;
    private final boolean readOnly;
    private final boolean blockDevice;
    private final int fd;
    private final int blockSize;
    private final long size;
    private final boolean fastZeroes;
    private final Arena arena;
    private final Libc libc;
    private volatile boolean closed;

    private UringBdev(
            BdevSpec.Uring spec,
            boolean readOnly,
            boolean blockDevice,
            int fd,
            int blockSize,
            long size,
            boolean fastZeroes,
            Arena arena,
            Libc libc) {
        this.spec = spec;
        this.readOnly = readOnly;
        this.blockDevice = blockDevice;
        this.fd = fd;
        this.blockSize = blockSize;
        this.size = size;
        this.fastZeroes = fastZeroes;
        this.arena = arena;
        this.libc = libc;
    }

    /** Opens the device or file, creating a missing regular file sparse when a size is given. */
    public static UringBdev open(BdevSpec.Uring spec, OpenMode mode) throws BdevException {
        boolean ro = mode == OpenMode.READ_ONLY;
        Path path = spec.path();
        boolean exists = Files.exists(path);
        boolean blockDevice = exists && !Files.isRegularFile(path);
        if (!exists) {
            if (ro || spec.size().isEmpty()) {
                throw new BdevException("cannot open " + spec.uri() + ": " + path + " does not exist"
                        + (ro ? "" : "; to create a file, give a size, e.g. uring://" + path + "?size=10G"));
            }
        } else if (blockDevice && spec.size().isPresent()) {
            throw new BdevException(
                    "cannot open " + spec.uri() + ": " + path + " is a device; its size is the device's, drop ?size=");
        }
        probeIoUring(spec);
        Arena arena = Arena.ofShared();
        Libc libc = new Libc(arena);
        int flags = (ro ? Libc.O_RDONLY : Libc.O_RDWR) | Libc.O_DIRECT | Libc.O_CLOEXEC;
        if (blockDevice && !ro) {
            flags |= Libc.O_EXCL;
        }
        if (!exists) {
            flags |= Libc.O_CREAT | Libc.O_EXCL;
        }
        int fd;
        try {
            fd = libc.open(path.toString(), flags, 0644);
        } catch (SysException e) {
            arena.close();
            throw new BdevException("cannot open " + spec.uri() + ": " + explainOpen(e, path, blockDevice), e);
        }
        try {
            if (!blockDevice) {
                int r = libc.flock(fd, (ro ? Libc.LOCK_SH : Libc.LOCK_EX) | Libc.LOCK_NB);
                if (r == -Errno.EAGAIN) {
                    throw new BdevException("cannot open " + spec.uri() + ": " + path
                            + " is in use by another process (it holds the file's lock)");
                } else if (r < 0) {
                    throw new BdevException("cannot lock " + path + ": " + Errno.name(-r));
                }
                if (!exists) {
                    libc.ftruncate(fd, spec.size().getAsLong(), path.toString());
                    LOG.log(
                            System.Logger.Level.INFO,
                            "created sparse file " + path + " of "
                                    + Sizes.format(spec.size().getAsLong()));
                }
            }
            int bs = blockDevice ? logicalBlockSize(libc, fd, path) : FILE_BLOCK_SIZE;
            long size = libc.sizeOf(fd, path.toString());
            if (!blockDevice && spec.size().isPresent() && spec.size().getAsLong() != size) {
                throw new BdevException("cannot open " + spec.uri() + ": " + path + " exists with size " + size
                        + ", but the URI asks for " + spec.size().getAsLong() + "; drop ?size= or give its size");
            }
            if (size < bs || size % bs != 0) {
                throw new BdevException(
                        "cannot open " + spec.uri() + ": size " + size + " is not a positive multiple of " + bs
                                + " bytes" + (blockDevice ? "" : " (O_DIRECT files use 4096-byte blocks)"));
            }
            boolean fast = !blockDevice || writeZeroesOffloaded(path);
            return new UringBdev(spec, ro, blockDevice, fd, bs, size, fast, arena, libc);
        } catch (SysException e) {
            closeFd(libc, fd, arena);
            throw new BdevException("cannot open " + spec.uri() + ": " + e.getMessage(), e);
        } catch (BdevException e) {
            closeFd(libc, fd, arena);
            throw e;
        }
    }

    private static void closeFd(Libc libc, int fd, Arena arena) {
        try {
            libc.close(fd);
        } catch (SysException ignored) {
            // the open already failed; that error is the one worth reporting
        }
        arena.close();
    }

    private static void probeIoUring(BdevSpec.Uring spec) throws BdevException {
        try (Arena a = Arena.ofConfined()) {
            IoUring.setup(a, 1).close();
        } catch (SysException e) {
            String why = switch (e.errno()) {
                case Errno.ENOSYS -> "the kernel has no io_uring";
                case Errno.EPERM, Errno.EACCES ->
                    "io_uring is forbidden here (sysctl kernel.io_uring_disabled, or a seccomp profile)";
                default -> e.getMessage();
            };
            throw new BdevException(
                    "cannot open " + spec.uri() + ": " + why + "; use file://" + spec.path() + " instead", e);
        }
    }

    private static String explainOpen(SysException e, Path path, boolean blockDevice) {
        return switch (e.errno()) {
            case Errno.EINVAL ->
                "the file system of " + path + " does not support O_DIRECT (tmpfs does not); use file://" + path;
            case Errno.EBUSY -> path + " is in use: mounted, or opened exclusively by another program";
            case Errno.EACCES, Errno.EPERM -> "permission denied for " + path + (blockDevice ? " (run as root?)" : "");
            default -> e.getMessage();
        };
    }

    private static int logicalBlockSize(Libc libc, int fd, Path path) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.JAVA_INT);
            libc.ioctl(fd, Libc.BLKSSZGET, out, path.toString());
            return out.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** Whether the device offloads write-zeroes (queue/write_zeroes_max_bytes in sysfs). */
    private static boolean writeZeroesOffloaded(Path device) {
        try {
            Path sys = Path.of(
                    "/sys/class/block", device.toRealPath().getFileName().toString());
            Path q = sys.resolve("queue/write_zeroes_max_bytes");
            if (!Files.exists(q)) {
                q = sys.toRealPath().getParent().resolve("queue/write_zeroes_max_bytes"); // a partition
            }
            return Long.parseLong(Files.readString(q).strip()) > 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public BdevSpec spec() {
        return spec;
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public long blockCount() {
        return size / blockSize;
    }

    @Override
    public BdevFeatures features() {
        return new BdevFeatures(true, true, fastZeroes, true);
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    /** O_DIRECT: addresses aligned to the page, which satisfies every device's DMA alignment. */
    @Override
    public int bufferAlignment() {
        return 4096;
    }

    /** Whether this is a block device rather than a regular file. */
    public boolean isBlockDevice() {
        return blockDevice;
    }

    @Override
    public BdevChannel openChannel(ReactorCore core) {
        if (closed) {
            throw new IllegalStateException(spec.uri() + " is closed");
        }
        try {
            return new Channel(core);
        } catch (SysException e) {
            throw new IllegalStateException("cannot set up an io_uring for " + spec.uri() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws BdevException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            libc.close(fd);
        } catch (SysException e) {
            throw new BdevException("closing " + spec.path() + ": " + e.getMessage(), e);
        } finally {
            arena.close();
        }
    }

    /** One thread's ring; requests live in slot arrays indexed by the SQE's user data. */
    private final class Channel extends AbstractBdevChannel implements Poller, IoUring.CompletionSink {
        private final Arena ringArena = Arena.ofShared();
        private final IoUring ring;
        private IoCompletion[] cbs = new IoCompletion[RING_ENTRIES];
        private IoType[] types = new IoType[RING_ENTRIES];
        private long[] offsets = new long[RING_ENTRIES];
        private long[] addresses = new long[RING_ENTRIES];
        private long[] lengths = new long[RING_ENTRIES];
        private int[] modes = new int[RING_ENTRIES];
        private int[] freeSlots = new int[RING_ENTRIES];
        private int freeTop;
        private int[] backlog = new int[RING_ENTRIES];
        private int backlogHead;
        private int backlogTail;
        private int inKernel;

        Channel(ReactorCore core) throws SysException {
            super(UringBdev.this, core);
            try {
                this.ring = IoUring.setup(ringArena, RING_ENTRIES);
            } catch (SysException e) {
                ringArena.close();
                throw e;
            }
            for (int i = RING_ENTRIES - 1; i >= 0; i--) {
                freeSlots[freeTop++] = i;
            }
            core.addPoller(this);
        }

        private int slot(IoType type, long offset, long address, long length, int mode, IoCompletion cb) {
            if (freeTop == 0) {
                grow();
            }
            int s = freeSlots[--freeTop];
            types[s] = type;
            offsets[s] = offset;
            addresses[s] = address;
            lengths[s] = length;
            modes[s] = mode;
            cbs[s] = cb;
            return s;
        }

        private void grow() {
            int n = cbs.length;
            cbs = Arrays.copyOf(cbs, n * 2);
            types = Arrays.copyOf(types, n * 2);
            offsets = Arrays.copyOf(offsets, n * 2);
            addresses = Arrays.copyOf(addresses, n * 2);
            lengths = Arrays.copyOf(lengths, n * 2);
            modes = Arrays.copyOf(modes, n * 2);
            freeSlots = Arrays.copyOf(freeSlots, n * 2);
            for (int i = n * 2 - 1; i >= n; i--) {
                freeSlots[freeTop++] = i;
            }
            int[] bl = new int[n * 2];
            int count = backlogTail - backlogHead;
            for (int i = 0; i < count; i++) {
                bl[i] = backlog[(backlogHead + i) & (backlog.length - 1)];
            }
            backlog = bl;
            backlogHead = 0;
            backlogTail = count;
        }

        private void enqueue(int s) {
            if (backlogTail == backlogHead && canPrepare()) {
                prepare(s);
            } else {
                backlog[backlogTail++ & (backlog.length - 1)] = s;
            }
        }

        private boolean canPrepare() {
            // never more in the kernel than the CQ holds, so completions cannot overflow
            return inKernel < ring.cqEntries && ring.sqSpace() > 0;
        }

        private void prepare(int s) {
            inKernel++;
            switch (types[s]) {
                case READ -> ring.prepare(IoUring.IORING_OP_READ, fd, offsets[s], addresses[s], (int) lengths[s], 0, s);
                case WRITE ->
                    ring.prepare(IoUring.IORING_OP_WRITE, fd, offsets[s], addresses[s], (int) lengths[s], 0, s);
                case FLUSH -> ring.prepare(IoUring.IORING_OP_FSYNC, fd, 0, 0, 0, IoUring.IORING_FSYNC_DATASYNC, s);
                // IORING_OP_FALLOCATE: off = offset, addr = length, len = mode
                case WRITE_ZEROES, UNMAP ->
                    ring.prepare(IoUring.IORING_OP_FALLOCATE, fd, offsets[s], lengths[s], modes[s], 0, s);
            }
        }

        @Override
        protected void submitRead(long lba, int blocks, MemorySegment buf, long bufOffset, IoCompletion cb) {
            enqueue(slot(IoType.READ, lba * blockSize, buf.address() + bufOffset, (long) blocks * blockSize, 0, cb));
        }

        @Override
        protected void submitWrite(long lba, int blocks, MemorySegment buf, long bufOffset, IoCompletion cb) {
            enqueue(slot(IoType.WRITE, lba * blockSize, buf.address() + bufOffset, (long) blocks * blockSize, 0, cb));
        }

        @Override
        protected void submitWriteZeroes(long lba, long blocks, IoCompletion cb) {
            enqueue(slot(
                    IoType.WRITE_ZEROES,
                    lba * blockSize,
                    0,
                    blocks * blockSize,
                    Libc.FALLOC_FL_ZERO_RANGE | Libc.FALLOC_FL_KEEP_SIZE,
                    cb));
        }

        @Override
        protected void submitUnmap(long lba, long blocks, IoCompletion cb) {
            enqueue(slot(
                    IoType.UNMAP,
                    lba * blockSize,
                    0,
                    blocks * blockSize,
                    Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE,
                    cb));
        }

        @Override
        protected void submitFlush(IoCompletion cb) {
            enqueue(slot(IoType.FLUSH, 0, 0, 0, 0, cb));
        }

        @Override
        public int poll() {
            int n = 0;
            while (backlogTail != backlogHead && canPrepare()) {
                prepare(backlog[backlogHead++ & (backlog.length - 1)]);
                n++;
            }
            if (ring.pendingSubmissions() > 0) {
                int r = ring.submit();
                if (r < 0 && r != -Errno.EAGAIN && r != -Errno.EBUSY) {
                    LOG.log(
                            System.Logger.Level.ERROR,
                            "io_uring_enter for " + spec.uri() + " failed: " + Errno.name(-r)
                                    + "; retrying on the next iteration");
                }
            }
            return n + ring.reap(this);
        }

        @Override
        public void completed(long userData, int res) {
            int s = (int) userData;
            inKernel--;
            IoType type = types[s];
            IoStatus status;
            if (res < 0) {
                if (res == -Errno.EOPNOTSUPP && type == IoType.UNMAP) {
                    status = IoStatus.SUCCESS; // advisory: the old contents stay
                } else if (res == -Errno.EOPNOTSUPP
                        && type == IoType.WRITE_ZEROES
                        && modes[s] == (Libc.FALLOC_FL_ZERO_RANGE | Libc.FALLOC_FL_KEEP_SIZE)) {
                    modes[s] = Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE;
                    enqueue(s);
                    return;
                } else if (res == -Errno.EINTR || res == -Errno.EAGAIN) {
                    enqueue(s);
                    return;
                } else {
                    status = IoStatus.fromErrno(-res, type);
                }
            } else if ((type == IoType.READ || type == IoType.WRITE) && res < lengths[s]) {
                if (res == 0) {
                    status = type == IoType.READ ? IoStatus.READ_ERROR : IoStatus.WRITE_FAULT;
                } else {
                    // short transfer: resubmit the rest
                    offsets[s] += res;
                    addresses[s] += res;
                    lengths[s] -= res;
                    enqueue(s);
                    return;
                }
            } else {
                status = IoStatus.SUCCESS;
            }
            IoCompletion cb = cbs[s];
            cbs[s] = null;
            freeSlots[freeTop++] = s;
            done(cb, status);
        }

        @Override
        public boolean needsPolling() {
            return inKernel > 0 || backlogTail != backlogHead;
        }

        @Override
        protected void closeChannel() {
            core.removePoller(this);
            try {
                ring.close();
            } catch (SysException e) {
                LOG.log(System.Logger.Level.WARNING, "closing an io_uring of " + spec.uri() + ": " + e.getMessage());
            } finally {
                ringArena.close();
            }
        }
    }
}
