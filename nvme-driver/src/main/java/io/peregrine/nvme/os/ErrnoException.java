package io.peregrine.nvme.os;

/**
 * A failed system call: which call, on what, the errno with its name and the C library's text,
 * and — where the caller knows — what to do about it.
 */
public class ErrnoException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int errno;

    public ErrnoException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }

    /** "open(/dev/vfio/7) failed: Permission denied (EACCES)". */
    public static String describe(Libc libc, String call, int errno) {
        return call + " failed: " + libc.strerror(errno) + " (" + Errno.name(errno) + ")";
    }

    /** Returns {@code result} when it is not negative; otherwise throws with this thread's errno. */
    public static int check(Libc libc, String call, int result) {
        if (result < 0) {
            int errno = libc.errno();
            throw new ErrnoException(describe(libc, call, errno), errno);
        }
        return result;
    }

    public static long check(Libc libc, String call, long result) {
        if (result < 0) {
            int errno = libc.errno();
            throw new ErrnoException(describe(libc, call, errno), errno);
        }
        return result;
    }
}
