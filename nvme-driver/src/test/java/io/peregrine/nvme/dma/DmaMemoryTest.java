package io.peregrine.nvme.dma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.peregrine.nvme.pci.DmaMapper;
import io.peregrine.nvme.pci.IovaRange;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DmaMemoryTest {

    /** Records what was mapped where. */
    static final class RecordingMapper implements DmaMapper {
        final List<long[]> mapped = new ArrayList<>();
        final List<long[]> unmapped = new ArrayList<>();
        List<IovaRange> ranges = List.of(new IovaRange(0, (1L << 40) - 1));

        @Override
        public void map(MemorySegment memory, long iova) {
            mapped.add(new long[] {memory.address(), iova, memory.byteSize()});
        }

        @Override
        public void unmap(long iova, long size) {
            unmapped.add(new long[] {iova, size});
        }

        @Override
        public List<IovaRange> usableRanges() {
            return ranges;
        }

        @Override
        public long pageSize() {
            return 4096;
        }
    }

    private static boolean hostHasFreeHugePages() throws Exception {
        return Files.readAllLines(Path.of("/proc/meminfo")).stream()
                .filter(l -> l.startsWith("HugePages_Free"))
                .anyMatch(l -> !l.endsWith(" 0"));
    }

    @Test
    void blocksAreAlignedZeroedAndTranslated() {
        RecordingMapper mapper = new RecordingMapper();
        try (DmaMemory dma = new DmaMemory(mapper, DmaOptions.defaults(), "test")) {
            DmaBlock a = dma.allocate(100, 64);
            DmaBlock b = dma.allocate(8192, 4096);
            assertEquals(0, b.segment().address() % 4096);
            assertEquals(0, b.iova() % 4096);
            assertEquals(1, mapper.mapped.size(), "one region serves both");
            assertEquals(1L << 32, mapper.mapped.getFirst()[1], "IOVAs start at 4 GiB");
            assertEquals(DmaOptions.defaults().regionBytes(), dma.mappedBytes());
            assertEquals(b.iova(), dma.iova(b.segment()));
            assertEquals(a.iova() + 10, dma.iova(a.segment().address() + 10, 4));
            assertEquals(b.iova() + 4096, b.iova(4096));
            b.segment().set(ValueLayout.JAVA_LONG, 0, -1);
            dma.free(b);
            DmaBlock again = dma.allocate(8192, 4096);
            assertEquals(0, again.segment().get(ValueLayout.JAVA_LONG, 0), "blocks come zeroed");
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment elsewhere = arena.allocate(64);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> dma.iova(elsewhere));
                assertTrue(e.getMessage().contains("is not DMA memory of test"), e.getMessage());
            }
        }
        assertEquals(1, mapper.unmapped.size());
    }

    @Test
    void memoryUsedAfterCloseThrowsInsteadOfCrashing() {
        DmaMemory dma = new DmaMemory(new RecordingMapper(), DmaOptions.defaults(), "closed");
        MemorySegment block = dma.allocate(4096, 4096).segment();
        block.set(ValueLayout.JAVA_LONG, 0, 1);
        dma.close();
        assertThrows(IllegalStateException.class, () -> block.get(ValueLayout.JAVA_LONG, 0));
        assertThrows(IllegalStateException.class, () -> dma.allocate(4096, 4096));
        dma.close(); // twice is fine
    }

    @Test
    void freedBlocksCoalesceAndBigOnesGetTheirOwnRegion() {
        RecordingMapper mapper = new RecordingMapper();
        try (DmaMemory dma = new DmaMemory(mapper, DmaOptions.defaults().withRegionBytes(2 << 20), "test")) {
            DmaBlock x = dma.allocate(1 << 20, 4096);
            DmaBlock y = dma.allocate(1 << 20, 4096);
            dma.free(x);
            dma.free(y);
            DmaBlock whole = dma.allocate(2 << 20, 4096);
            assertEquals(1, mapper.mapped.size(), "the two halves merged back into one free extent");
            dma.free(whole);
            assertThrows(IllegalStateException.class, () -> dma.free(whole), "a double free is caught");
            DmaBlock big = dma.allocate(5 << 20, 4096);
            assertEquals(2, mapper.mapped.size());
            assertEquals(6L << 20, mapper.mapped.get(1)[2], "rounded up to 2 MiB");
            dma.free(big);
            assertThrows(IllegalArgumentException.class, () -> dma.allocate(0, 8));
            assertThrows(IllegalArgumentException.class, () -> dma.allocate(64, 3));
        }
    }

    @Test
    void withoutHugePagesItFallsBackUnlessTold() throws Exception {
        assumeTrue(!hostHasFreeHugePages(), "this host has hugepages; the fallback cannot be seen");
        RecordingMapper mapper = new RecordingMapper();
        try (DmaMemory dma = new DmaMemory(mapper, DmaOptions.defaults(), "fallback")) {
            dma.allocate(4096, 4096);
            assertFalse(dma.hugePages());
        }
        try (DmaMemory strict = new DmaMemory(mapper, DmaOptions.defaults().withRequireHugePages(true), "strict")) {
            DmaException e = assertThrows(DmaException.class, () -> strict.allocate(4096, 4096));
            assertTrue(e.getMessage().startsWith("no hugepages: "), e.getMessage());
            assertTrue(e.getMessage().contains("/proc/sys/vm/nr_hugepages"), e.getMessage());
        }
    }

    @Test
    void iovasComeFromTheUsableRanges() {
        IovaAllocator low = new IovaAllocator(List.of(new IovaRange(0, 0xfedf_ffffL)));
        assertEquals(1L << 21, low.allocate(1 << 21, 1 << 21), "below 4 GiB only: above 1 MiB, aligned");
        IovaAllocator split =
                new IovaAllocator(List.of(new IovaRange(0, 0xfedf_ffffL), new IovaRange(0xfef0_0000L, (1L << 33) - 1)));
        assertEquals(1L << 32, split.allocate(1 << 21, 1 << 21));
        assertEquals((1L << 32) + (1 << 21), split.allocate(1 << 21, 1 << 21));
        IovaAllocator tiny = new IovaAllocator(List.of(new IovaRange(0x10_0000L, 0x2f_ffffL)));
        assertEquals(0x20_0000L, tiny.allocate(1 << 20, 1 << 21));
        DmaException full = assertThrows(DmaException.class, () -> tiny.allocate(1 << 21, 1 << 21));
        assertTrue(full.getMessage().contains("no IOVA space left"), full.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new IovaAllocator(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new IovaRange(10, 5));
        assertTrue(new IovaRange(0, 4095).contains(0, 4096));
        assertFalse(new IovaRange(0, 4095).contains(1, 4096));
    }

    @Test
    void optionsRefuseOddRegions() {
        assertThrows(IllegalArgumentException.class, () -> DmaOptions.defaults().withRegionBytes(3 << 20));
    }

    @Test
    void bufferPoolHandsOutAndTakesBackWithoutAllocating() {
        try (DmaMemory dma = new DmaMemory(new RecordingMapper(), DmaOptions.defaults(), "pool");
                DmaBufferPool pool = new DmaBufferPool(dma, 8192, 3)) {
            assertEquals(3, pool.capacity());
            MemorySegment a = pool.acquire();
            MemorySegment b = pool.acquire();
            MemorySegment c = pool.acquire();
            assertNull(pool.acquire());
            assertEquals(0, pool.available());
            assertEquals(8192, a.byteSize());
            assertEquals(0, a.address() % 4096);
            assertEquals(dma.iova(b), pool.iova(b));
            pool.release(b);
            assertThrows(IllegalStateException.class, () -> pool.release(b));
            assertThrows(IllegalArgumentException.class, () -> pool.release(a.asSlice(8)));
            assertEquals(b.address(), pool.acquire().address());
            pool.release(a);
            pool.release(c);
            assertEquals(2, pool.available());
            assertThrows(IllegalArgumentException.class, () -> new DmaBufferPool(dma, 1000, 1));
        }
    }
}
