package io.peregrine.nvme.emu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.peregrine.nvme.spec.Le;
import io.peregrine.nvme.spec.StatusCode;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The PRP rules: one page, two pages, a list, a chained list, offsets, unmapped addresses. */
class EmuPrpTest {

    private static final long BASE = 0x1_0000_0000L;
    private static final int PAGES = 1100;

    private Arena arena;
    private MemorySegment host;
    private EmuPrp prp;

    @BeforeEach
    void map() {
        arena = Arena.ofConfined();
        host = arena.allocate(PAGES * 4096L, 4096);
        EmuDmaTable table = new EmuDmaTable();
        table.map(host, BASE);
        prp = new EmuPrp(table);
    }

    @AfterEach
    void unmap() {
        arena.close();
    }

    private static MemorySegment pattern(long length) {
        MemorySegment s = MemorySegment.ofArray(new byte[(int) length]);
        for (int i = 0; i < length; i++) s.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7 + 3));
        return s;
    }

    @Test
    void withinOnePageOnlyPrp1Counts() {
        MemorySegment src = pattern(1000);
        assertEquals(0, prp.toHost(src, 0, 1000, BASE + 96, 0xdead_0000L));
        assertEquals(-1, host.asSlice(96, 1000).mismatch(src));
    }

    @Test
    void aSecondPageComesFromPrp2() {
        // 100 bytes at the end of PRP1's page, the other 4096 in PRP2's page: no list needed
        MemorySegment src = pattern(4196);
        assertEquals(0, prp.toHost(src, 0, 4196, BASE + 4096 - 100, BASE + 10 * 4096));
        assertEquals(-1, host.asSlice(4096 - 100, 100).mismatch(src.asSlice(0, 100)));
        assertEquals(-1, host.asSlice(10 * 4096, 4096).mismatch(src.asSlice(100, 4096)));
    }

    @Test
    void aListNamesTheRestAndChainsAtTheEndOfAListPage() {
        // 600 data pages: PRP1 + 599 in the list -> 511 in the first list page, a chain, 88 more
        long length = 600 * 4096L;
        long list1 = BASE + 2 * 4096;
        long list2 = BASE + 3 * 4096;
        long data = 4; // data pages from page 4, but scattered in reverse order to prove the walk
        for (int i = 0; i < 599; i++) {
            long page = BASE + (data + 598 - i) * 4096;
            if (i < 511) host.set(Le.U64, 2 * 4096 + 8L * i, page);
            else host.set(Le.U64, 3 * 4096 + 8L * (i - 511), page);
        }
        host.set(Le.U64, 2 * 4096 + 8L * 511, list2); // last slot of list page 1 chains
        MemorySegment target = MemorySegment.ofArray(new byte[(int) length]);
        MemorySegment src = pattern(length);
        MemorySegment.copy(src, 0, host, 1000 * 4096L, 4096); // PRP1's page
        for (int i = 0; i < 599; i++) {
            MemorySegment.copy(src, (i + 1) * 4096L, host, (data + 598 - i) * 4096, 4096);
        }
        assertEquals(0, prp.fromHost(target, 0, length, BASE + 1000 * 4096L, list1));
        assertEquals(-1, target.mismatch(src));
    }

    @Test
    void pageEntriesWithAnOffsetAreRefused() {
        assertEquals(
                StatusCode.PRP_OFFSET_INVALID.fieldDnr(), prp.toHost(pattern(8192), 0, 8192, BASE, BASE + 4096 + 8));
        host.set(Le.U64, 0, BASE + 4096 * 5 + 16);
        assertEquals(StatusCode.PRP_OFFSET_INVALID.fieldDnr(), prp.check(3 * 4096, BASE + 4096, BASE));
        assertEquals(StatusCode.PRP_OFFSET_INVALID.fieldDnr(), prp.check(3 * 4096, BASE + 4096, BASE + 4));
        assertEquals(StatusCode.PRP_OFFSET_INVALID.fieldDnr(), prp.check(512, BASE + 2, 0));
    }

    @Test
    void unmappedAddressesAreDataTransferErrors() {
        assertEquals(StatusCode.DATA_TRANSFER_ERROR.field(), prp.check(512, 0x5000, 0));
        assertEquals(StatusCode.DATA_TRANSFER_ERROR.field(), prp.check(8192, BASE, 0x5000));
        assertEquals(
                StatusCode.DATA_TRANSFER_ERROR.field(),
                prp.check(4096, BASE + PAGES * 4096L - 2048, 0)); // runs off the mapping's end
    }

    @Test
    void largerMemoryPagesChangeTheArithmetic() {
        prp.pageSize(16384);
        MemorySegment src = pattern(20000);
        assertEquals(0, prp.toHost(src, 0, 20000, BASE, BASE + 16384 * 4));
        assertEquals(-1, host.asSlice(0, 16384).mismatch(src.asSlice(0, 16384)));
        assertEquals(-1, host.asSlice(16384 * 4, 20000 - 16384).mismatch(src.asSlice(16384, 20000 - 16384)));
    }
}
