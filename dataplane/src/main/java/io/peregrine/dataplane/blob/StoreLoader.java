package io.peregrine.dataplane.blob;

import io.peregrine.dataplane.blob.format.Checkpoint;
import io.peregrine.dataplane.blob.format.FormatException;
import io.peregrine.dataplane.blob.format.LogPage;
import io.peregrine.dataplane.blob.format.MdPage;
import io.peregrine.dataplane.blob.format.MdRecord;
import io.peregrine.dataplane.blob.format.RecordCodec;
import io.peregrine.dataplane.blob.format.SuperBlock;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Reads a pool's metadata from a device (FORMAT.md §8): both super block copies, the newest
 * checkpoint whose body checks out, and the log from that checkpoint's replay LSN up to the first
 * page that is not the next one. Used by import and, read-only, by {@code pool check}, which is
 * why it collects notes about everything it had to step around.
 */
final class StoreLoader {
    /** Log pages read per device request while replaying. */
    private static final int REPLAY_BATCH = 64;

    private StoreLoader() {}

    /** What was found. */
    record Result(
            SuperBlock sb,
            PoolState state,
            Checkpoint.Header checkpoint,
            int slot,
            long replayedPages,
            long replayedRecords,
            long endLsn,
            String logEnd,
            int incompleteTailBytes,
            List<String> notes,
            List<String> problems) {
        /** Exported in order: a clean checkpoint and nothing logged after it. */
        boolean clean() {
            return checkpoint.clean() && replayedPages == 0;
        }
    }

    static CompletableFuture<Result> load(MdIo io, long deviceBytes) {
        List<String> notes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        return io.read(0, 2 * MdPage.SIZE)
                .thenApply(bytes -> superBlock(bytes, deviceBytes, problems))
                .thenCompose(sb -> checkpoints(io, sb, notes).thenCompose(cp -> replay(io, sb, cp, notes, problems)));
    }

    /** Super block damage is always a problem: the copies are written once and never torn. */
    private static SuperBlock superBlock(byte[] bytes, long deviceBytes, List<String> problems) {
        SuperBlock a = null;
        SuperBlock b = null;
        String ea = null;
        String eb = null;
        try {
            a = SuperBlock.decode(page(bytes, 0), "super block copy A (byte 0)");
        } catch (FormatException e) {
            ea = e.getMessage();
        }
        try {
            b = SuperBlock.decode(page(bytes, MdPage.SIZE), "super block copy B (byte 4096)");
        } catch (FormatException e) {
            eb = e.getMessage();
        }
        if (a == null && b == null) {
            boolean neither = ea.contains("no Peregrine pool") && eb.contains("no Peregrine pool");
            throw new BlobStoreException(
                    neither ? BlobStoreException.Reason.NOT_FOUND : BlobStoreException.Reason.CORRUPT,
                    neither ? "no Peregrine pool on this device (no super block at byte 0 or 4096)" : ea + "; " + eb);
        }
        if (a == null) {
            problems.add(ea + "; using copy B");
        } else if (b == null) {
            problems.add(eb + "; using copy A");
        } else if (!a.equals(b)) {
            problems.add("super block copies A and B differ; using copy A");
        }
        SuperBlock sb = a != null ? a : b;
        if (sb.usedBytes() > deviceBytes) {
            throw new BlobStoreException(
                    BlobStoreException.Reason.CORRUPT,
                    "pool " + sb.name() + " needs " + sb.usedBytes() + " bytes but the device has only " + deviceBytes
                            + " (was it shrunk, or is this the wrong device?)");
        }
        return sb;
    }

    private static ByteBuffer page(byte[] bytes, int at) {
        return ByteBuffer.wrap(Arrays.copyOfRange(bytes, at, at + MdPage.SIZE)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** {@code skipped}: a newer checkpoint whose body did not check out, if any. */
    private record Loaded(Checkpoint cp, Checkpoint.Header header, int slot, Checkpoint.Header skipped) {}

    private static CompletableFuture<Loaded> checkpoints(MdIo io, SuperBlock sb, List<String> notes) {
        long[] offsets = {sb.checkpointOffset0(), sb.checkpointOffset1()};
        return io.read(offsets[0], MdPage.SIZE)
                .thenCombine(io.read(offsets[1], MdPage.SIZE), (p0, p1) -> {
                    Checkpoint.Header[] h = new Checkpoint.Header[2];
                    byte[][] pages = {p0, p1};
                    for (int s = 0; s < 2; s++) {
                        StringBuilder why = new StringBuilder();
                        try {
                            h[s] = Checkpoint.decodeHeader(page(pages[s], 0), sb.uuid(), why);
                        } catch (FormatException e) {
                            throw new BlobStoreException(
                                    BlobStoreException.Reason.CORRUPT, "checkpoint slot " + s + ": " + e.getMessage());
                        }
                        if (h[s] == null && !why.toString().contains("never written")) {
                            notes.add("checkpoint slot " + s + ": " + why);
                        }
                    }
                    return h;
                })
                .thenCompose(h -> {
                    int first = h[0] == null ? 1 : h[1] == null ? 0 : h[0].generation() >= h[1].generation() ? 0 : 1;
                    return body(io, sb, h, first, offsets)
                            .thenCompose(loaded -> loaded != null
                                    ? CompletableFuture.completedFuture(loaded)
                                    : body(io, sb, h, 1 - first, offsets).thenApply(other -> {
                                        if (other == null) {
                                            throw new BlobStoreException(
                                                    BlobStoreException.Reason.CORRUPT,
                                                    "pool " + sb.name() + " has no valid checkpoint in either slot");
                                        }
                                        notes.add("checkpoint generation " + h[first].generation() + " in slot "
                                                + first + " does not check out (a checkpoint write the crash cut"
                                                + " short, or damage); loaded generation "
                                                + other.header.generation() + " from slot " + other.slot);
                                        return new Loaded(other.cp, other.header, other.slot, h[first]);
                                    }));
                });
    }

    private static CompletableFuture<Loaded> body(
            MdIo io, SuperBlock sb, Checkpoint.Header[] h, int slot, long[] offsets) {
        Checkpoint.Header header = h[slot];
        if (header == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (header.bodyBytes() < 0 || header.bodyBytes() > sb.checkpointBytes() - MdPage.SIZE) {
            return CompletableFuture.completedFuture(null);
        }
        int len = (int) StoreLayout.roundUp(header.bodyBytes(), MdPage.SIZE);
        if (len == 0) {
            return CompletableFuture.completedFuture(decode(header, new byte[0], slot));
        }
        return io.read(offsets[slot] + MdPage.SIZE, len).thenApply(body -> decode(header, body, slot));
    }

    private static Loaded decode(Checkpoint.Header header, byte[] body, int slot) {
        if (!Checkpoint.bodyValid(header, body)) {
            return null;
        }
        try {
            return new Loaded(Checkpoint.decode(header, body), header, slot, null);
        } catch (FormatException e) {
            throw new BlobStoreException(BlobStoreException.Reason.CORRUPT, e.getMessage());
        }
    }

    private static CompletableFuture<Result> replay(
            MdIo io, SuperBlock sb, Loaded loaded, List<String> notes, List<String> problems) {
        PoolState state;
        try {
            state = PoolState.fromCheckpoint(sb, loaded.cp(), false);
        } catch (FormatException e) {
            throw new BlobStoreException(BlobStoreException.Reason.CORRUPT, e.getMessage());
        }
        Replay r = new Replay(io, sb, state, loaded.cp().replayLsn());
        return r.next()
                .thenCompose(v -> lostAfterSkipped(io, sb, loaded.skipped(), r.lsn))
                .thenApply(lost -> {
                    if (lost) {
                        problems.add("checkpoint generation " + loaded.skipped().generation() + " is damaged after it "
                                + "was written (the log continued past it), and the log of generation "
                                + loaded.header().generation() + " ends at LSN " + r.lsn + ": changes up to LSN "
                                + loaded.skipped().replayLsn() + " are lost");
                    }
                    return new Result(
                            sb,
                            state,
                            loaded.header(),
                            loaded.slot(),
                            r.pages,
                            r.records,
                            r.lsn,
                            r.end,
                            r.stream.remaining(),
                            notes,
                            problems);
                });
    }

    /**
     * A newer checkpoint was skipped because its body did not check out. If its write was cut
     * short by a crash nothing is lost: no commit follows an unfinished checkpoint. If it had been
     * written, the log went on at its replay LSN; replay of the older checkpoint then either
     * reaches that LSN (the log is contiguous, nothing lost) or stops short (the older log was
     * reused: lost).
     */
    private static CompletableFuture<Boolean> lostAfterSkipped(
            MdIo io, SuperBlock sb, Checkpoint.Header skipped, long replayEnd) {
        if (skipped == null || replayEnd > skipped.replayLsn()) {
            return CompletableFuture.completedFuture(false);
        }
        long slot = skipped.replayLsn() % sb.logPages();
        return io.read(sb.logOffset() + slot * MdPage.SIZE, MdPage.SIZE)
                .thenApply(bytes -> LogPage.lsnOf(page(bytes, 0), sb.uuid()) == skipped.replayLsn());
    }

    /** Walks the ring page by page, feeding payloads into a stream of records. */
    private static final class Replay {
        final MdIo io;
        final SuperBlock sb;
        final PoolState state;
        final long start;
        long lsn;
        long pages;
        long records;
        String end = "";
        ByteBuffer stream = ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);

        Replay(MdIo io, SuperBlock sb, PoolState state, long start) {
            this.io = io;
            this.sb = sb;
            this.state = state;
            this.start = start;
            this.lsn = start;
        }

        CompletableFuture<Void> next() {
            if (lsn - start >= sb.logPages()) {
                end = "the whole ring was replayed";
                return CompletableFuture.completedFuture(null);
            }
            long slot = lsn % sb.logPages();
            int n = (int) Math.min(REPLAY_BATCH, Math.min(sb.logPages() - slot, sb.logPages() - (lsn - start)));
            return io.read(sb.logOffset() + slot * MdPage.SIZE, n * MdPage.SIZE).thenCompose(bytes -> {
                for (int i = 0; i < n; i++) {
                    ByteBuffer p = page(bytes, i * MdPage.SIZE);
                    long found = LogPage.lsnOf(p, sb.uuid());
                    if (found != lsn) {
                        end = found < 0
                                ? "page at LSN " + lsn + " is empty, torn or not this pool's"
                                : "page at LSN " + lsn + "'s slot holds LSN " + found + " from an earlier lap";
                        return CompletableFuture.completedFuture(null);
                    }
                    feed(p);
                    lsn++;
                    pages++;
                }
                return next();
            });
        }

        private void feed(ByteBuffer page) {
            int used = LogPage.used(page);
            ByteBuffer joined = ByteBuffer.allocate(stream.remaining() + used).order(ByteOrder.LITTLE_ENDIAN);
            joined.put(stream).put(page.array(), LogPage.HEADER, used).flip();
            stream = joined;
            while (stream.remaining() >= RecordCodec.HEADER) {
                int len = stream.getInt(stream.position());
                if (len < RecordCodec.HEADER) {
                    throw new BlobStoreException(
                            BlobStoreException.Reason.CORRUPT,
                            "log page LSN " + lsn + ": record length " + len + " is impossible");
                }
                if (stream.remaining() < len) {
                    break; // continues on the next page
                }
                String where = "log record " + (records + 1) + " (ending in page LSN " + lsn + ")";
                try {
                    MdRecord rec = RecordCodec.decode(stream, where);
                    state.apply(rec, where);
                } catch (FormatException e) {
                    throw new BlobStoreException(BlobStoreException.Reason.CORRUPT, e.getMessage());
                }
                records++;
            }
        }
    }
}
