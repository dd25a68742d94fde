package io.peregrine.nvme.pci;

/** An inclusive range of I/O virtual addresses, [{@code first}, {@code last}]. */
public record IovaRange(long first, long last) {

    public IovaRange {
        if (Long.compareUnsigned(first, last) > 0) {
            throw new IllegalArgumentException(
                    "IOVA range starts after it ends: 0x" + Long.toHexString(first) + "-0x" + Long.toHexString(last));
        }
    }

    public boolean contains(long iova, long size) {
        return Long.compareUnsigned(iova, first) >= 0
                && size >= 0
                && Long.compareUnsigned(iova + size - 1, last) <= 0
                && Long.compareUnsigned(iova + size - 1, iova) >= 0;
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(first) + "-0x" + Long.toHexString(last);
    }
}
