package io.peregrine.dataplane.blob;

import io.peregrine.dataplane.blob.format.Extent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A blob's logical-to-physical cluster map: two levels of 1024-entry chunks, so a large thin
 * volume costs memory only where it was written. Entries hold the physical cluster plus one (0 =
 * not allocated here).
 *
 * <p>Written only by the metadata thread; read by every I/O thread without a lock. Chunks and
 * entries are published with release stores and read with acquire loads (plain moves on x86), so
 * a reader that sees an entry also sees the data written to its cluster before it was published.
 */
final class ClusterMap {
    private static final int SHIFT = 10;
    private static final int CHUNK = 1 << SHIFT;
    private static final int MASK = CHUNK - 1;
    private static final VarHandle CHUNKS = MethodHandles.arrayElementVarHandle(int[][].class);
    private static final VarHandle ENTRY = MethodHandles.arrayElementVarHandle(int[].class);

    private volatile int[][] chunks;
    private long allocated;

    ClusterMap(long sizeClusters) {
        chunks = new int[chunksFor(sizeClusters)][];
    }

    private static int chunksFor(long clusters) {
        return (int) ((clusters + CHUNK - 1) >>> SHIFT);
    }

    /** Physical cluster + 1 backing {@code lc}, or 0. Any thread. */
    int get(int lc) {
        int[][] c = chunks;
        int i = lc >>> SHIFT;
        if (i >= c.length) {
            return 0;
        }
        int[] chunk = (int[]) CHUNKS.getAcquire(c, i);
        return chunk == null ? 0 : (int) ENTRY.getAcquire(chunk, lc & MASK);
    }

    /** Metadata thread: maps {@code lc} to {@code physical} (or unmaps it with -1). */
    void set(int lc, int physical) {
        int[][] c = chunks;
        int i = lc >>> SHIFT;
        if (i >= c.length) {
            grow(lc + 1L);
            c = chunks;
        }
        int[] chunk = c[i];
        if (chunk == null) {
            if (physical < 0) {
                return;
            }
            chunk = new int[CHUNK];
            CHUNKS.setRelease(c, i, chunk);
        }
        int old = chunk[lc & MASK];
        int v = physical < 0 ? 0 : physical + 1;
        if (old == 0 && v != 0) {
            allocated++;
        } else if (old != 0 && v == 0) {
            allocated--;
        }
        ENTRY.setRelease(chunk, lc & MASK, v);
    }

    /** Metadata thread: makes room for {@code clusters} entries. */
    void grow(long clusters) {
        int need = chunksFor(clusters);
        if (need > chunks.length) {
            chunks = Arrays.copyOf(chunks, need);
        }
    }

    /** Clusters mapped. */
    long allocated() {
        return allocated;
    }

    /** Capacity in entries (a multiple of 1024). */
    long capacity() {
        return (long) chunks.length << SHIFT;
    }

    /** The mapping as runs of consecutive logical and physical clusters, in logical order. */
    List<Extent> extents() {
        List<Extent> out = new ArrayList<>();
        int[][] c = chunks;
        int runL = -1;
        int runP = -1;
        int runN = 0;
        for (int i = 0; i < c.length; i++) {
            int[] chunk = c[i];
            if (chunk == null) {
                continue;
            }
            for (int j = 0; j < CHUNK; j++) {
                int v = chunk[j];
                if (v == 0) {
                    continue;
                }
                int lc = (i << SHIFT) | j;
                int pc = v - 1;
                if (runN > 0 && lc == runL + runN && pc == runP + runN) {
                    runN++;
                } else {
                    if (runN > 0) {
                        out.add(new Extent(runL, runP, runN));
                    }
                    runL = lc;
                    runP = pc;
                    runN = 1;
                }
            }
        }
        if (runN > 0) {
            out.add(new Extent(runL, runP, runN));
        }
        return out;
    }

    /** Calls {@code visitor} with (logical, physical) for every mapped cluster, in logical order. */
    void forEach(Visitor visitor) {
        int[][] c = chunks;
        for (int i = 0; i < c.length; i++) {
            int[] chunk = c[i];
            if (chunk == null) {
                continue;
            }
            for (int j = 0; j < CHUNK; j++) {
                if (chunk[j] != 0) {
                    visitor.visit((i << SHIFT) | j, chunk[j] - 1);
                }
            }
        }
    }

    interface Visitor {
        void visit(int logical, int physical);
    }
}
