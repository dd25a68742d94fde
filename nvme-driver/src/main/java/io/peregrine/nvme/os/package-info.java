/**
 * The few C library calls the driver makes (open, ioctl, mmap, pread/pwrite, memfd_create, ...),
 * as FFM downcalls behind the {@link io.peregrine.nvme.os.Libc} interface, with errno captured
 * per thread and turned into {@link io.peregrine.nvme.os.ErrnoException}s that name the call.
 * None of these is on the I/O path: the data path does no system call.
 */
package io.peregrine.nvme.os;
