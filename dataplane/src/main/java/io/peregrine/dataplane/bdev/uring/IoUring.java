package io.peregrine.dataplane.bdev.uring;

import io.peregrine.dataplane.sys.Errno;
import io.peregrine.dataplane.sys.Libc;
import io.peregrine.dataplane.sys.SysException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * One io_uring instance, set up with raw system calls (no liburing): {@code io_uring_setup(2)},
 * the SQ/CQ rings and SQE array mapped into this process, {@code io_uring_enter(2)} to submit.
 * Completions are read straight from the CQ ring in shared memory, so reaping costs no system
 * call. Owned by one thread; nothing here is thread-safe.
 *
 * <p>Layouts follow {@code include/uapi/linux/io_uring.h}: {@code struct io_uring_params} (120
 * bytes), {@code io_sqring_offsets}/{@code io_cqring_offsets} (40 bytes each), the 64-byte SQE and
 * the 16-byte CQE.
 */
@SuppressWarnings("restricted") // the rings are memory the kernel mapped for us
final class IoUring implements AutoCloseable {
    static final long SYS_IO_URING_SETUP = 425;
    static final long SYS_IO_URING_ENTER = 426;

    static final int IORING_OP_FSYNC = 3;
    static final int IORING_OP_FALLOCATE = 17;
    static final int IORING_OP_READ = 22;
    static final int IORING_OP_WRITE = 23;
    static final int IORING_FSYNC_DATASYNC = 1;
    static final int IORING_ENTER_GETEVENTS = 1;
    static final int IORING_FEAT_SINGLE_MMAP = 1;
    static final long IORING_OFF_SQ_RING = 0L;
    static final long IORING_OFF_CQ_RING = 0x8000000L;
    static final long IORING_OFF_SQES = 0x10000000L;

    static final int PARAMS_SIZE = 120;
    static final int SQE_SIZE = 64;
    static final int CQE_SIZE = 16;

    // struct io_uring_params
    private static final long P_SQ_ENTRIES = 0;
    private static final long P_CQ_ENTRIES = 4;
    private static final long P_FEATURES = 20;
    private static final long P_SQ_OFF = 40;
    private static final long P_CQ_OFF = 80;
    // io_sqring_offsets / io_cqring_offsets fields
    private static final long O_HEAD = 0;
    private static final long O_TAIL = 4;
    private static final long O_RING_MASK = 8;
    private static final long O_ARRAY_OR_CQES = 24;
    private static final long O_CQES = 20;

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final Libc libc;
    private final int ringFd;
    private final long sqRingAddr;
    private final long sqRingSize;
    private final long cqRingAddr;
    private final long cqRingSize;
    private final long sqesAddr;
    private final long sqesSize;
    private final MemorySegment sqRing;
    private final MemorySegment cqRing;
    private final MemorySegment sqes;
    private final long sqHead;
    private final long sqTail;
    private final int sqMask;
    private final long sqArray;
    private final long cqHead;
    private final long cqTail;
    private final int cqMask;
    private final long cqes;
    final int sqEntries;
    final int cqEntries;
    private int localSqTail;
    private int toSubmit;

    private IoUring(Libc libc, int ringFd, MemorySegment params) throws SysException {
        this.libc = libc;
        this.ringFd = ringFd;
        this.sqEntries = params.get(ValueLayout.JAVA_INT, P_SQ_ENTRIES);
        this.cqEntries = params.get(ValueLayout.JAVA_INT, P_CQ_ENTRIES);
        int features = params.get(ValueLayout.JAVA_INT, P_FEATURES);
        int sqArrayOff = params.get(ValueLayout.JAVA_INT, P_SQ_OFF + O_ARRAY_OR_CQES);
        int cqesOff = params.get(ValueLayout.JAVA_INT, P_CQ_OFF + O_CQES);
        long sqSize = sqArrayOff + (long) sqEntries * 4;
        long cqSize = cqesOff + (long) cqEntries * CQE_SIZE;
        int prot = Libc.PROT_READ | Libc.PROT_WRITE;
        int flags = Libc.MAP_SHARED | Libc.MAP_POPULATE;
        if ((features & IORING_FEAT_SINGLE_MMAP) != 0) {
            long size = Math.max(sqSize, cqSize);
            this.sqRingAddr = libc.mmap(size, prot, flags, ringFd, IORING_OFF_SQ_RING, "io_uring SQ/CQ ring");
            this.sqRingSize = size;
            this.cqRingAddr = sqRingAddr;
            this.cqRingSize = 0; // shared with the SQ mapping
        } else {
            this.sqRingAddr = libc.mmap(sqSize, prot, flags, ringFd, IORING_OFF_SQ_RING, "io_uring SQ ring");
            this.sqRingSize = sqSize;
            this.cqRingAddr = libc.mmap(cqSize, prot, flags, ringFd, IORING_OFF_CQ_RING, "io_uring CQ ring");
            this.cqRingSize = cqSize;
        }
        this.sqesSize = (long) sqEntries * SQE_SIZE;
        this.sqesAddr = libc.mmap(sqesSize, prot, flags, ringFd, IORING_OFF_SQES, "io_uring SQEs");
        this.sqRing = MemorySegment.ofAddress(sqRingAddr).reinterpret(sqRingSize);
        this.cqRing = MemorySegment.ofAddress(cqRingAddr).reinterpret(cqRingSize == 0 ? sqRingSize : cqRingSize);
        this.sqes = MemorySegment.ofAddress(sqesAddr).reinterpret(sqesSize);
        this.sqHead = params.get(ValueLayout.JAVA_INT, P_SQ_OFF + O_HEAD);
        this.sqTail = params.get(ValueLayout.JAVA_INT, P_SQ_OFF + O_TAIL);
        this.sqMask = sqRing.get(ValueLayout.JAVA_INT, params.get(ValueLayout.JAVA_INT, P_SQ_OFF + O_RING_MASK));
        this.sqArray = sqArrayOff;
        this.cqHead = params.get(ValueLayout.JAVA_INT, P_CQ_OFF + O_HEAD);
        this.cqTail = params.get(ValueLayout.JAVA_INT, P_CQ_OFF + O_TAIL);
        this.cqMask = cqRing.get(ValueLayout.JAVA_INT, params.get(ValueLayout.JAVA_INT, P_CQ_OFF + O_RING_MASK));
        this.cqes = cqesOff;
        this.localSqTail = (int) INT.getAcquire(sqRing, sqTail);
        // the SQ array maps ring slots to SQE indexes; we keep it the identity, set once
        for (int i = 0; i < sqEntries; i++) {
            sqRing.set(ValueLayout.JAVA_INT, sqArray + 4L * i, i);
        }
    }

    /** Sets up a ring of {@code entries} submission slots (a power of two). */
    static IoUring setup(Arena arena, int entries) throws SysException {
        Libc libc = new Libc(arena);
        MemorySegment params = arena.allocate(PARAMS_SIZE, 8);
        long fd = libc.syscall(SYS_IO_URING_SETUP, entries, params.address(), 0, 0, 0, 0);
        if (fd < 0) {
            int e = (int) -fd;
            throw new SysException("io_uring_setup", entries + " entries", e, Libc.strerror(e));
        }
        return new IoUring(libc, (int) fd, params);
    }

    /** Free submission slots. */
    int sqSpace() {
        int head = (int) INT.getAcquire(sqRing, sqHead);
        return sqEntries - (localSqTail - head);
    }

    /** Fills the next SQE; the caller checked {@link #sqSpace}. Published on {@link #submit}. */
    void prepare(int opcode, int fd, long off, long addr, int len, int opFlags, long userData) {
        long sqe = (long) (localSqTail & sqMask) * SQE_SIZE;
        sqes.set(ValueLayout.JAVA_BYTE, sqe, (byte) opcode);
        sqes.set(ValueLayout.JAVA_BYTE, sqe + 1, (byte) 0); // flags
        sqes.set(ValueLayout.JAVA_SHORT, sqe + 2, (short) 0); // ioprio
        sqes.set(ValueLayout.JAVA_INT, sqe + 4, fd);
        sqes.set(ValueLayout.JAVA_LONG, sqe + 8, off);
        sqes.set(ValueLayout.JAVA_LONG, sqe + 16, addr);
        sqes.set(ValueLayout.JAVA_INT, sqe + 24, len);
        sqes.set(ValueLayout.JAVA_INT, sqe + 28, opFlags);
        sqes.set(ValueLayout.JAVA_LONG, sqe + 32, userData);
        sqes.set(ValueLayout.JAVA_LONG, sqe + 40, 0L); // buf_index, personality, splice_fd_in
        sqes.set(ValueLayout.JAVA_LONG, sqe + 48, 0L);
        sqes.set(ValueLayout.JAVA_LONG, sqe + 56, 0L);
        localSqTail++;
        toSubmit++;
    }

    /** SQEs prepared but not yet handed to the kernel. */
    int pendingSubmissions() {
        return toSubmit;
    }

    /**
     * Publishes the prepared SQEs (release store of the SQ tail) and enters the kernel once for
     * all of them. Returns how many the kernel consumed, or {@code -errno} ({@code -EAGAIN},
     * {@code -EBUSY}: try again after reaping).
     */
    int submit() {
        if (toSubmit == 0) {
            return 0;
        }
        INT.setRelease(sqRing, sqTail, localSqTail);
        long r = libc.syscall(SYS_IO_URING_ENTER, ringFd, toSubmit, 0, 0, 0, 0);
        if (r < 0) {
            return (int) r == -Errno.EINTR ? 0 : (int) r;
        }
        toSubmit -= (int) r;
        return (int) r;
    }

    /** Reads completions without entering the kernel; {@code sink} gets each (user data, result). */
    int reap(CompletionSink sink) {
        int head = (int) INT.getOpaque(cqRing, cqHead);
        int tail = (int) INT.getAcquire(cqRing, cqTail);
        int n = 0;
        while (head != tail) {
            long cqe = cqes + (long) (head & cqMask) * CQE_SIZE;
            long userData = cqRing.get(ValueLayout.JAVA_LONG, cqe);
            int res = cqRing.get(ValueLayout.JAVA_INT, cqe + 8);
            head++;
            n++;
            // release the slot before the callback, which may submit more
            INT.setRelease(cqRing, cqHead, head);
            sink.completed(userData, res);
        }
        return n;
    }

    /** Where {@link #reap} delivers completions. */
    interface CompletionSink {
        void completed(long userData, int res);
    }

    @Override
    public void close() throws SysException {
        libc.munmap(sqesAddr, sqesSize);
        libc.munmap(sqRingAddr, sqRingSize);
        if (cqRingSize != 0) {
            libc.munmap(cqRingAddr, cqRingSize);
        }
        libc.close(ringFd);
    }
}
