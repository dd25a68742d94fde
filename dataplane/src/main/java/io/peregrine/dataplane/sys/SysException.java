package io.peregrine.dataplane.sys;

import java.io.IOException;

/** A failed system call: which call, on what, and the errno it returned (with the C library's text). */
public final class SysException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String call;

    public SysException(String call, String subject, int errno, String strerror) {
        super(call + "(" + subject + ") failed: " + Errno.name(errno) + " (" + strerror + ")");
        this.errno = errno;
        this.call = call;
    }

    /** The errno value the call returned. */
    public int errno() {
        return errno;
    }

    /** The system call's name, as in its man page. */
    public String call() {
        return call;
    }
}
