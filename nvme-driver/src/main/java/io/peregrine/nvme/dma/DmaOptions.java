package io.peregrine.nvme.dma;

/**
 * How DMA memory is obtained.
 *
 * @param requireHugePages fail with "no hugepages" instead of falling back to 4 KiB pages
 * @param regionBytes      the smallest region to map at once (a multiple of 2 MiB): fewer,
 *                         larger regions mean fewer IOMMU mappings and faster IOVA lookups
 * @param hugetlbfs        the hugetlbfs mount tried when memfd_create cannot give hugepages
 */
public record DmaOptions(boolean requireHugePages, long regionBytes, String hugetlbfs) {

    public static final long HUGE_PAGE = 2L << 20;

    public DmaOptions {
        if (regionBytes < HUGE_PAGE || regionBytes % HUGE_PAGE != 0) {
            throw new IllegalArgumentException("regionBytes must be a positive multiple of 2 MiB, got " + regionBytes);
        }
    }

    public static DmaOptions defaults() {
        return new DmaOptions(false, 8 * HUGE_PAGE, "/dev/hugepages");
    }

    public DmaOptions withRequireHugePages(boolean require) {
        return new DmaOptions(require, regionBytes, hugetlbfs);
    }

    public DmaOptions withRegionBytes(long bytes) {
        return new DmaOptions(requireHugePages, bytes, hugetlbfs);
    }
}
