package io.peregrine.nvme.spec;

import static io.peregrine.nvme.spec.Le.U32;
import static io.peregrine.nvme.spec.Le.U64;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * One Dataset Management range (NVM Command Set 1.1, Dataset Management command): 16 bytes; up to
 * 256 in the data buffer. The Deallocate attribute lives in the command (CDW11.AD), not here.
 */
public final class DsmRange {

    public static final long SIZE = 16;
    public static final int MAX_RANGES = 256;

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                    U32.withName("cattr"), U32.withName("nlb"), U64.withName("slba"))
            .withName("nvme_dsm_range");

    /** Context Attributes (access frequency, latency hints). */
    public static final Field.U32 CONTEXT_ATTRIBUTES = Field.u32(LAYOUT, "cattr");
    /** Length in logical blocks (not 0's based). */
    public static final Field.U32 LENGTH = Field.u32(LAYOUT, "nlb");
    /** Starting LBA. */
    public static final Field.U64 STARTING_LBA = Field.u64(LAYOUT, "slba");

    private DsmRange() {}
}
