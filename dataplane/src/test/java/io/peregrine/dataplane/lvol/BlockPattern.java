package io.peregrine.dataplane.lvol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Self-describing block contents for crash tests: every block written carries (object tag, LBA,
 * generation) and filler derived from them, so a block read back is exactly one known write, all
 * zeroes, or garbage.
 */
final class BlockPattern {
    static final int MAGIC = 0x50475443;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** What a block holds: ZERO ({@code gen == 0}), a write, or garbage ({@code gen == -1}). */
    record Value(int tag, long lba, long gen) {
        static final Value ZERO = new Value(0, 0, 0);
        static final Value GARBAGE = new Value(0, 0, -1);

        @Override
        public String toString() {
            return gen == 0 ? "zeroes" : gen < 0 ? "garbage" : "write " + gen + " of t" + tag + " at " + lba;
        }
    }

    private BlockPattern() {}

    static void fill(MemorySegment buf, long at, int blockSize, int tag, long lba, long gen) {
        buf.set(INT, at, MAGIC);
        buf.set(INT, at + 4, tag);
        buf.set(LONG, at + 8, lba);
        buf.set(LONG, at + 16, gen);
        long x = gen * 0x9E3779B97F4A7C15L ^ lba * 0xC2B2AE3D27D4EB4FL ^ tag;
        for (long i = 24; i < blockSize; i += 8) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            buf.set(LONG, at + i, x);
        }
    }

    static Value decode(MemorySegment buf, long at, int blockSize) {
        if (buf.get(INT, at) != MAGIC) {
            for (long i = 0; i < blockSize; i += 8) {
                if (buf.get(LONG, at + i) != 0) {
                    return Value.GARBAGE;
                }
            }
            return Value.ZERO;
        }
        int tag = buf.get(INT, at + 4);
        long lba = buf.get(LONG, at + 8);
        long gen = buf.get(LONG, at + 16);
        long x = gen * 0x9E3779B97F4A7C15L ^ lba * 0xC2B2AE3D27D4EB4FL ^ tag;
        for (long i = 24; i < blockSize; i += 8) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            if (buf.get(LONG, at + i) != x) {
                return Value.GARBAGE;
            }
        }
        return new Value(tag, lba, gen);
    }
}
