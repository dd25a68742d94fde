package io.peregrine.dataplane.bdev.file;

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
import io.peregrine.dataplane.reactor.MpscChain;
import io.peregrine.dataplane.reactor.Poller;
import io.peregrine.dataplane.reactor.ReactorCore;
import io.peregrine.dataplane.sys.Errno;
import io.peregrine.dataplane.sys.Libc;
import io.peregrine.dataplane.sys.SysException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * A regular file as a block device ({@code file:///var/lib/peregrine/disk.img?size=10G}), for
 * laptops and CI: no O_DIRECT, no io_uring, nothing the file system or a container may refuse.
 * Requests are performed with pread/pwrite/fdatasync/fallocate on a few helper threads (a
 * blocking call must never run on a reactor); each channel gets its completions back through an
 * allocation-free chain and delivers them from its poller on its own thread.
 *
 * <p>A missing file is created sparse when the URI gives a size. The file is locked with flock(2)
 * for as long as it is open, so two processes cannot run a pool on it at once.
 */
public final class FileBdev implements Bdev {
    private static final System.Logger LOG = System.getLogger(FileBdev.class.getName());
    private static final int BLOCK_SIZE = 512;
    private static final int QUEUE_DEPTH = 4096;
    private static final long ZERO_CHUNK = 1 << 20;

    private final BdevSpec.File spec;
    private final boolean readOnly;
    private final long size;
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final Libc libc = new Libc(arena);
    private final ArrayBlockingQueue<FileIo> queue = new ArrayBlockingQueue<>(QUEUE_DEPTH);
    private final List<Thread> workers = new ArrayList<>();
    private final MemorySegment zeroes;
    private volatile boolean closed;

    /** Opens (or creates) the file, locks it and starts {@code workers} helper threads. */
    public FileBdev(BdevSpec.File spec, OpenMode mode, int workerCount) throws BdevException {
        this.spec = spec;
        this.readOnly = mode == OpenMode.READ_ONLY;
        Path path = spec.path();
        boolean exists = Files.exists(path);
        if (!exists) {
            if (readOnly) {
                throw new BdevException("cannot open " + spec.uri() + ": " + path + " does not exist");
            }
            if (spec.size().isEmpty()) {
                throw new BdevException("cannot open " + spec.uri() + ": " + path
                        + " does not exist; to create it, give a size, e.g. file://" + path + "?size=10G");
            }
            if (!Files.isDirectory(path.toAbsolutePath().getParent())) {
                throw new BdevException("cannot create " + spec.uri() + ": directory "
                        + path.toAbsolutePath().getParent() + " does not exist");
            }
        } else if (!Files.isRegularFile(path)) {
            throw new BdevException("cannot open " + spec.uri() + ": " + path
                    + " is not a regular file; for a block device use uring://" + path);
        }
        int flags =
                (readOnly ? Libc.O_RDONLY : Libc.O_RDWR) | Libc.O_CLOEXEC | (exists ? 0 : Libc.O_CREAT | Libc.O_EXCL);
        int opened;
        try {
            opened = libc.open(path.toString(), flags, 0644);
        } catch (SysException e) {
            arena.close();
            throw new BdevException("cannot open " + spec.uri() + ": " + e.getMessage(), e);
        }
        this.fd = opened;
        try {
            lock(path);
            if (!exists) {
                libc.ftruncate(fd, spec.size().getAsLong(), path.toString());
                LOG.log(
                        System.Logger.Level.INFO,
                        "created sparse file " + path + " of "
                                + Sizes.format(spec.size().getAsLong()));
            }
            long actual = libc.sizeOf(fd, path.toString());
            if (spec.size().isPresent() && spec.size().getAsLong() != actual) {
                throw new BdevException("cannot open " + spec.uri() + ": " + path + " exists with size " + actual
                        + " (" + Sizes.format(actual) + "), but the URI asks for "
                        + spec.size().getAsLong()
                        + "; drop ?size= to use the file as it is, or give its size");
            }
            if (actual < BLOCK_SIZE || actual % BLOCK_SIZE != 0) {
                throw new BdevException("cannot open " + spec.uri() + ": size " + actual + " of " + path
                        + " is not a positive multiple of " + BLOCK_SIZE + " bytes");
            }
            this.size = actual;
            this.zeroes = arena.allocate(ZERO_CHUNK, 4096);
        } catch (SysException e) {
            closeQuietly();
            throw new BdevException("cannot open " + spec.uri() + ": " + e.getMessage(), e);
        } catch (BdevException e) {
            closeQuietly();
            throw e;
        }
        for (int i = 0; i < workerCount; i++) {
            Thread t = Thread.ofPlatform()
                    .name("file-bdev-" + path.getFileName() + "-" + i)
                    .daemon(true)
                    .start(this::work);
            workers.add(t);
        }
    }

    private void lock(Path path) throws BdevException {
        int r = libc.flock(fd, (readOnly ? Libc.LOCK_SH : Libc.LOCK_EX) | Libc.LOCK_NB);
        if (r == -Errno.EAGAIN) {
            throw new BdevException("cannot open " + spec.uri() + ": " + path
                    + " is in use by another process (it holds the file's lock); stop that process first");
        }
        if (r < 0) {
            throw new BdevException("cannot lock " + path + ": " + Errno.name(-r) + " (" + Libc.strerror(-r) + ")");
        }
    }

    private void closeQuietly() {
        try {
            libc.close(fd);
        } catch (SysException e) {
            LOG.log(System.Logger.Level.WARNING, "closing " + spec.path() + " after a failed open: " + e.getMessage());
        }
        arena.close();
    }

    @Override
    public BdevSpec spec() {
        return spec;
    }

    @Override
    public int blockSize() {
        return BLOCK_SIZE;
    }

    @Override
    public long blockCount() {
        return size / BLOCK_SIZE;
    }

    @Override
    public BdevFeatures features() {
        return new BdevFeatures(true, true, true, true);
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public int bufferAlignment() {
        return 1;
    }

    @Override
    public boolean canUseBuffer(MemorySegment segment, long offset, long length) {
        return segment.isNative();
    }

    @Override
    public BdevChannel openChannel(ReactorCore core) {
        if (closed) {
            throw new IllegalStateException(spec.uri() + " is closed");
        }
        return new Channel(core);
    }

    @Override
    public void close() throws BdevException {
        if (closed) {
            return;
        }
        closed = true;
        for (Thread t : workers) {
            t.interrupt();
        }
        for (Thread t : workers) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            libc.close(fd);
        } catch (SysException e) {
            throw new BdevException("closing " + spec.path() + ": " + e.getMessage(), e);
        } finally {
            arena.close();
        }
    }

    // ------------------------------------------------------------------ helper threads

    private void work() {
        try (Arena own = Arena.ofConfined()) {
            Libc l = new Libc(own);
            while (!closed) {
                FileIo io;
                try {
                    io = queue.take();
                } catch (InterruptedException e) {
                    if (closed) {
                        return;
                    }
                    continue;
                }
                io.status = perform(l, io);
                io.channel.completed.push(io);
                io.channel.core().signal();
            }
        }
    }

    private IoStatus perform(Libc l, FileIo io) {
        long r = switch (io.type) {
            case READ -> transfer(l, io, true);
            case WRITE -> transfer(l, io, false);
            case FLUSH -> l.fdatasync(fd);
            case WRITE_ZEROES -> writeZeroes(l, io.offset, io.length);
            case UNMAP -> unmap(l, io.offset, io.length);
        };
        return r < 0 ? IoStatus.fromErrno((int) -r, io.type) : IoStatus.SUCCESS;
    }

    private long transfer(Libc l, FileIo io, boolean read) {
        long done = 0;
        while (done < io.length) {
            long n = read
                    ? l.pread(fd, io.address + done, io.length - done, io.offset + done)
                    : l.pwrite(fd, io.address + done, io.length - done, io.offset + done);
            if (n == -Errno.EINTR) {
                continue;
            }
            if (n < 0) {
                return n;
            }
            if (n == 0) {
                return -Errno.EIO; // the file shrank under us
            }
            done += n;
        }
        return 0;
    }

    private long writeZeroes(Libc l, long offset, long length) {
        int r = l.fallocate(fd, Libc.FALLOC_FL_ZERO_RANGE | Libc.FALLOC_FL_KEEP_SIZE, offset, length);
        if (r != -Errno.EOPNOTSUPP) {
            return r;
        }
        r = l.fallocate(fd, Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE, offset, length);
        if (r != -Errno.EOPNOTSUPP) {
            return r;
        }
        for (long done = 0; done < length; ) {
            long n = l.pwrite(fd, zeroes.address(), Math.min(ZERO_CHUNK, length - done), offset + done);
            if (n < 0 && n != -Errno.EINTR) {
                return n;
            }
            done += Math.max(0, n);
        }
        return 0;
    }

    private long unmap(Libc l, long offset, long length) {
        int r = l.fallocate(fd, Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE, offset, length);
        // unmap is advisory: a file system that cannot punch holes keeps the old data
        return r == -Errno.EOPNOTSUPP ? 0 : r;
    }

    /** One request on its way to a helper thread and back; pooled per channel. */
    static final class FileIo extends MpscChain.Link<FileIo> {
        final Channel channel;
        IoType type;
        long offset;
        long length;
        long address;
        IoCompletion cb;
        IoStatus status;

        FileIo(Channel channel) {
            this.channel = channel;
        }
    }

    final class Channel extends AbstractBdevChannel implements Poller {
        final MpscChain<FileIo> completed = new MpscChain<>();
        private final ArrayDeque<FileIo> free = new ArrayDeque<>();
        private final ArrayDeque<FileIo> waiting = new ArrayDeque<>();

        Channel(ReactorCore core) {
            super(FileBdev.this, core);
            core.addPoller(this);
        }

        private FileIo take(IoType type, long offset, long length, long address, IoCompletion cb) {
            FileIo io = free.poll();
            if (io == null) {
                io = new FileIo(this);
            }
            io.type = type;
            io.offset = offset;
            io.length = length;
            io.address = address;
            io.cb = cb;
            return io;
        }

        private void enqueue(FileIo io) {
            // the shared queue is bounded; overflow waits here and is retried from poll()
            if (!waiting.isEmpty() || !queue.offer(io)) {
                waiting.add(io);
            }
        }

        @Override
        protected void submitRead(long lba, int blocks, MemorySegment buf, long bufOffset, IoCompletion cb) {
            enqueue(take(IoType.READ, lba * BLOCK_SIZE, (long) blocks * BLOCK_SIZE, buf.address() + bufOffset, cb));
        }

        @Override
        protected void submitWrite(long lba, int blocks, MemorySegment buf, long bufOffset, IoCompletion cb) {
            enqueue(take(IoType.WRITE, lba * BLOCK_SIZE, (long) blocks * BLOCK_SIZE, buf.address() + bufOffset, cb));
        }

        @Override
        protected void submitWriteZeroes(long lba, long blocks, IoCompletion cb) {
            enqueue(take(IoType.WRITE_ZEROES, lba * BLOCK_SIZE, blocks * BLOCK_SIZE, 0, cb));
        }

        @Override
        protected void submitUnmap(long lba, long blocks, IoCompletion cb) {
            enqueue(take(IoType.UNMAP, lba * BLOCK_SIZE, blocks * BLOCK_SIZE, 0, cb));
        }

        @Override
        protected void submitFlush(IoCompletion cb) {
            enqueue(take(IoType.FLUSH, 0, 0, 0, cb));
        }

        @Override
        public int poll() {
            int n = 0;
            while (!waiting.isEmpty() && queue.offer(waiting.peek())) {
                waiting.poll();
                n++;
            }
            FileIo io = completed.drain();
            while (io != null) {
                FileIo next = MpscChain.next(io);
                IoCompletion cb = io.cb;
                IoStatus st = io.status;
                io.cb = null;
                io.status = null;
                free.push(io);
                done(cb, st);
                n++;
                io = next;
            }
            return n;
        }

        @Override
        public boolean needsPolling() {
            // completions signal the core; only a local overflow queue needs retrying
            return !waiting.isEmpty();
        }

        @Override
        protected void closeChannel() {
            core.removePoller(this);
        }
    }
}
