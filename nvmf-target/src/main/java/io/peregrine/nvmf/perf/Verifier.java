package io.peregrine.nvmf.perf;

import io.netty.buffer.ByteBuf;

/**
 * {@code --verify}: every written block carries its LBA, a generation and a pattern derived from
 * both; a read checks all three against what this run last wrote there. One verifier per worker;
 * workers own disjoint sets of I/O slots, so nothing is shared.
 */
final class Verifier {
    private static final long MIX = 0x9E37_79B9_7F4A_7C15L;

    private final int blockSize;
    private final int blocksPerIo;
    private final long[] generation;
    private final boolean[] busy;
    private long nextGeneration = 1;
    private long checkedBlocks;
    private long mismatches;
    private String firstMismatch;

    Verifier(int blockSize, int blocksPerIo, int slots) {
        this.blockSize = blockSize;
        this.blocksPerIo = blocksPerIo;
        this.generation = new long[slots];
        this.busy = new boolean[slots];
    }

    boolean busy(int slot) {
        return busy[slot];
    }

    void begin(int slot) {
        busy[slot] = true;
    }

    /** Stamps a write to {@code slot} (at {@code slba}); returns the generation it carries. */
    long stamp(ByteBuf buffer, int slot, long slba) {
        long gen = nextGeneration++;
        for (int b = 0; b < blocksPerIo; b++) {
            int base = b * blockSize;
            long lba = slba + b;
            buffer.setLongLE(base, lba);
            buffer.setLongLE(base + 8, gen);
            long seed = lba * MIX ^ gen;
            for (int i = 16; i < blockSize; i += 8) buffer.setLongLE(base + i, seed + i);
        }
        return gen;
    }

    void written(int slot, long gen, boolean ok) {
        busy[slot] = false;
        if (ok) generation[slot] = gen;
    }

    /** Checks a read of {@code slot}; returns false on a mismatch. */
    boolean check(ByteBuf buffer, int slot, long slba) {
        busy[slot] = false;
        long gen = generation[slot];
        if (gen == 0) return true; // not written in this run: nothing to expect
        for (int b = 0; b < blocksPerIo; b++) {
            int base = b * blockSize;
            long lba = slba + b;
            checkedBlocks++;
            long gotLba = buffer.getLongLE(base);
            long gotGen = buffer.getLongLE(base + 8);
            boolean ok = gotLba == lba && gotGen == gen;
            long seed = lba * MIX ^ gen;
            for (int i = 16; ok && i < blockSize; i += 8) ok = buffer.getLongLE(base + i) == seed + i;
            if (!ok) {
                mismatches++;
                if (firstMismatch == null) {
                    firstMismatch = "LBA " + lba + ": expected (LBA " + lba + ", generation " + gen + "), read (LBA "
                            + gotLba + ", generation " + gotGen + ")"
                            + (gotLba == lba && gotGen == gen ? ", pattern differs" : "");
                }
                return false;
            }
        }
        return true;
    }

    void readFailed(int slot) {
        busy[slot] = false;
    }

    long checkedBlocks() {
        return checkedBlocks;
    }

    long mismatches() {
        return mismatches;
    }

    String firstMismatch() {
        return firstMismatch;
    }
}
