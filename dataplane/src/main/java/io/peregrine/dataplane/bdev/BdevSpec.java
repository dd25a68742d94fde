package io.peregrine.dataplane.bdev;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A parsed device URI: which kind of block device, and its parameters. {@link BdevUri#parse}
 * makes one from text; {@link #uri} prints it back in canonical form.
 */
public sealed interface BdevSpec {
    /** The canonical URI, e.g. {@code file:///var/lib/peregrine/disk.img?size=10G}. */
    String uri();

    /** An NVMe controller on PCIe, driven from userspace: {@code pcie://0000:00:05.0}. */
    record Pcie(String bdf, int nsid) implements BdevSpec {
        @Override
        public String uri() {
            return "pcie://" + bdf + (nsid == 1 ? "" : "?ns=" + nsid);
        }
    }

    /**
     * The NVMe driver's software controller ({@code emu://?size=1G}, {@code emu:///path?size=10G},
     * {@code emu://?null&size=1T}): the whole userspace NVMe path without hardware, namespace 1.
     * For development and tests; {@code uri} is the driver's own URI.
     */
    record Emu(String uri) implements BdevSpec {}

    /**
     * A block device or file through io_uring with O_DIRECT: {@code uring:///dev/sdb}. With a
     * {@code size}, a missing regular file is created sparse.
     */
    record Uring(Path path, OptionalLong size) implements BdevSpec {
        @Override
        public String uri() {
            return "uring://" + path + (size.isPresent() ? "?size=" + size.getAsLong() : "");
        }
    }

    /**
     * A regular file through positional reads and writes on helper threads, created sparse when
     * missing and a {@code size} is given: {@code file:///var/lib/peregrine/disk.img?size=10G}.
     */
    record File(Path path, OptionalLong size) implements BdevSpec {
        @Override
        public String uri() {
            return "file://" + path + (size.isPresent() ? "?size=" + size.getAsLong() : "");
        }
    }

    /** Memory of this process, zeroed, gone when it exits: {@code malloc://?size=1G}. */
    record Malloc(long size, int blockSize) implements BdevSpec {
        @Override
        public String uri() {
            return "malloc://?size=" + size + (blockSize == 512 ? "" : "&bs=" + blockSize);
        }
    }

    /** Discards writes, reads leave the buffer untouched; for measuring everything else. */
    record Null(long size, int blockSize) implements BdevSpec {
        @Override
        public String uri() {
            return "null://?size=" + size + (blockSize == 512 ? "" : "&bs=" + blockSize);
        }
    }
}
