package io.peregrine.dataplane.bdev;

import io.peregrine.dataplane.bdev.file.FileBdev;
import io.peregrine.dataplane.bdev.mem.MallocBdev;
import io.peregrine.dataplane.bdev.mem.NullBdev;
import io.peregrine.dataplane.bdev.nvme.NvmeBdev;
import io.peregrine.dataplane.bdev.uring.UringBdev;

/** Opens a block device from its URI; the one place that knows every scheme. */
public final class Bdevs {
    /** Helper threads per file:// device: enough to keep a disk's queue busy, few enough for a laptop. */
    public static final int FILE_WORKERS = 4;

    private Bdevs() {}

    /** Opens {@code uri} for reading and writing, exclusively. */
    public static Bdev open(String uri) throws BdevException {
        return open(BdevUri.parse(uri), OpenMode.READ_WRITE);
    }

    public static Bdev open(String uri, OpenMode mode) throws BdevException {
        return open(BdevUri.parse(uri), mode);
    }

    public static Bdev open(BdevSpec spec, OpenMode mode) throws BdevException {
        return switch (spec) {
            case BdevSpec.Malloc m -> new MallocBdev(m);
            case BdevSpec.Null n -> new NullBdev(n);
            case BdevSpec.File f -> new FileBdev(f, mode, FILE_WORKERS);
            case BdevSpec.Uring u -> UringBdev.open(u, mode);
            case BdevSpec.Pcie p -> NvmeBdev.open(p, "pcie://" + p.bdf(), p.nsid(), mode);
            case BdevSpec.Emu e -> NvmeBdev.open(e, e.uri(), 1, mode);
        };
    }
}
