package io.peregrine.dataplane.bdev;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.dataplane.reactor.IdlePolicy;
import io.peregrine.dataplane.reactor.Reactor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What every storing block device must do, run against malloc, file and io_uring. */
class BdevContractTest {
    @TempDir
    Path dir;

    private Bdev open(String kind) throws BdevException {
        return switch (kind) {
            case "malloc" -> Bdevs.open("malloc://?size=8M");
            case "file" -> Bdevs.open("file://" + dir.resolve("disk.img") + "?size=8M");
            case "uring" -> Bdevs.open("uring://" + dir.resolve("disk.img") + "?size=8M");
            case "emu" -> Bdevs.open("emu://?size=8M");
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static IoStatus await(Reactor r, java.util.function.Consumer<IoCompletion> op) {
        CompletableFuture<IoStatus> f = new CompletableFuture<>();
        op.accept(f::complete);
        return r.runUntil(f);
    }

    @ParameterizedTest
    @ValueSource(strings = {"malloc", "file", "uring", "emu"})
    void writesReadBackAndZeroesReadAsZero(String kind) throws Exception {
        Reactor r = Reactor.onCurrentThread("test", IdlePolicy.DEFAULT);
        try (Bdev bdev = open(kind);
                IoBuffer buf = bdev.allocateBuffer(17L * bdev.blockSize())) {
            BdevChannel ch = bdev.openChannel(r.core());
            int bs = bdev.blockSize();
            byte[] data = new byte[16 * bs];
            new Random(42).nextBytes(data);
            MemorySegment.copy(data, 0, buf.segment(), ValueLayout.JAVA_BYTE, 0, data.length);
            assertEquals(IoStatus.SUCCESS, await(r, cb -> ch.write(8, 16, buf.segment(), 0, cb)));
            assertEquals(IoStatus.SUCCESS, await(r, cb -> ch.flush(cb)));
            buf.segment().fill((byte) 0x5a);
            assertEquals(IoStatus.SUCCESS, await(r, cb -> ch.read(8, 16, buf.segment(), bs, cb)));
            assertArrayEquals(data, buf.segment().asSlice(bs, data.length).toArray(ValueLayout.JAVA_BYTE));

            assertEquals(IoStatus.SUCCESS, await(r, cb -> ch.writeZeroes(12, 4, cb)));
            assertEquals(IoStatus.SUCCESS, await(r, cb -> ch.read(8, 16, buf.segment(), 0, cb)));
            byte[] expect = data.clone();
            java.util.Arrays.fill(expect, 4 * bs, 8 * bs, (byte) 0);
            assertArrayEquals(expect, buf.segment().asSlice(0, data.length).toArray(ValueLayout.JAVA_BYTE));

            assertEquals(IoStatus.SUCCESS, await(r, cb -> ch.unmap(8, 16, cb)));
            assertEquals(0, ch.outstanding());
            ch.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"malloc", "file", "uring", "emu"})
    void badArgumentsCompleteWithAStatusNotAnException(String kind) throws Exception {
        Reactor r = Reactor.onCurrentThread("test", IdlePolicy.DEFAULT);
        try (Bdev bdev = open(kind);
                IoBuffer buf = bdev.allocateBuffer(8192)) {
            BdevChannel ch = bdev.openChannel(r.core());
            long n = bdev.blockCount();
            assertEquals(IoStatus.INVALID_RANGE, await(r, cb -> ch.read(n - 1, 2, buf.segment(), 0, cb)));
            assertEquals(IoStatus.INVALID_RANGE, await(r, cb -> ch.writeZeroes(-1, 1, cb)));
            assertEquals(IoStatus.INVALID_FIELD, await(r, cb -> ch.write(0, 0, buf.segment(), 0, cb)));
            assertEquals(
                    IoStatus.DATA_TRANSFER_ERROR,
                    await(r, cb -> ch.read(0, 8192 / bdev.blockSize(), buf.segment(), 1, cb)));
            ch.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"malloc", "file", "uring", "emu"})
    void completionsNeverRunInsideTheSubmitCall(String kind) throws Exception {
        Reactor r = Reactor.onCurrentThread("test", IdlePolicy.DEFAULT);
        try (Bdev bdev = open(kind);
                IoBuffer buf = bdev.allocateBuffer(4096)) {
            BdevChannel ch = bdev.openChannel(r.core());
            AtomicBoolean submitting = new AtomicBoolean(true);
            CompletableFuture<Boolean> ranInside = new CompletableFuture<>();
            ch.read(0, 4096 / bdev.blockSize(), buf.segment(), 0, st -> ranInside.complete(submitting.get()));
            submitting.set(false);
            assertFalse(r.runUntil(ranInside));
            ch.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "uring", "emu"})
    void heapAndMisalignedBuffersAreBounced(String kind) throws Exception {
        Reactor r = Reactor.onCurrentThread("test", IdlePolicy.DEFAULT);
        try (Bdev bdev = open(kind);
                Arena arena = Arena.ofConfined()) {
            BdevChannel ch = bdev.openChannel(r.core());
            int bs = bdev.blockSize();
            byte[] data = new byte[2 * bs];
            new Random(7).nextBytes(data);
            MemorySegment heap = MemorySegment.ofArray(data.clone());
            assertEquals(IoStatus.SUCCESS, await(r, cb -> ch.write(2, 2, heap, 0, cb)));
            MemorySegment odd = arena.allocate(3L * bs + 1, 4096);
            assertEquals(IoStatus.SUCCESS, await(r, cb -> ch.read(2, 2, odd, 1, cb)));
            assertArrayEquals(data, odd.asSlice(1, data.length).toArray(ValueLayout.JAVA_BYTE));
            assertTrue(ch.bounced() >= 1);
            ch.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "uring"})
    void aSecondWriterIsRefusedWhileTheFirstHoldsTheDevice(String kind) throws Exception {
        try (Bdev first = open(kind)) {
            BdevException e = org.junit.jupiter.api.Assertions.assertThrows(BdevException.class, () -> open(kind));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
            assertEquals(first.sizeBytes(), 8L << 20);
        }
        try (Bdev again = open(kind)) {
            assertEquals(8L << 20, again.sizeBytes());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"malloc", "file", "uring", "emu"})
    void channelsOnSeveralReactorsRunConcurrently(String kind) throws Exception {
        try (Bdev bdev = open(kind)) {
            List<Reactor> reactors =
                    List.of(Reactor.start("t0", -1, IdlePolicy.DEFAULT), Reactor.start("t1", -1, IdlePolicy.DEFAULT));
            try {
                int bs = bdev.blockSize();
                List<CompletableFuture<Integer>> done = new java.util.ArrayList<>();
                for (int t = 0; t < reactors.size(); t++) {
                    int base = t * 1000;
                    Reactor re = reactors.get(t);
                    CompletableFuture<Integer> f = new CompletableFuture<>();
                    re.core().execute(() -> new Writer(bdev, re, base, bs, f).next());
                    done.add(f);
                }
                for (CompletableFuture<Integer> f : done) {
                    assertEquals(200, f.get(30, java.util.concurrent.TimeUnit.SECONDS));
                }
            } finally {
                reactors.forEach(Reactor::close);
            }
        }
    }

    /** Writes 200 blocks one after another, each from the previous one's completion. */
    private static final class Writer implements IoCompletion {
        final BdevChannel ch;
        final IoBuffer buf;
        final long base;
        final CompletableFuture<Integer> result;
        int n;

        Writer(Bdev bdev, Reactor r, long base, int bs, CompletableFuture<Integer> result) {
            this.ch = bdev.openChannel(r.core());
            this.buf = bdev.allocateBuffer(bs);
            this.base = base;
            this.result = result;
        }

        void next() {
            ch.write(base + n, 1, buf.segment(), 0, this);
        }

        @Override
        public void complete(IoStatus status) {
            if (!status.isSuccess()) {
                result.completeExceptionally(new AssertionError(status));
                return;
            }
            if (++n == 200) {
                ch.close();
                buf.close();
                result.complete(n);
            } else {
                next();
            }
        }
    }
}
