package io.peregrine.dataplane.bdev.nvme;

import io.peregrine.dataplane.bdev.AbstractBdevChannel;
import io.peregrine.dataplane.bdev.Bdev;
import io.peregrine.dataplane.bdev.BdevChannel;
import io.peregrine.dataplane.bdev.BdevException;
import io.peregrine.dataplane.bdev.BdevFeatures;
import io.peregrine.dataplane.bdev.BdevSpec;
import io.peregrine.dataplane.bdev.IoBuffer;
import io.peregrine.dataplane.bdev.IoCompletion;
import io.peregrine.dataplane.bdev.IoStatus;
import io.peregrine.dataplane.bdev.IoType;
import io.peregrine.dataplane.bdev.OpenMode;
import io.peregrine.dataplane.reactor.Poller;
import io.peregrine.dataplane.reactor.ReactorCore;
import io.peregrine.nvme.DeviceUri;
import io.peregrine.nvme.NvmeDevice;
import io.peregrine.nvme.dma.DmaBlock;
import io.peregrine.nvme.dma.DmaMemory;
import io.peregrine.nvme.driver.ControllerInfo;
import io.peregrine.nvme.driver.ControllerState;
import io.peregrine.nvme.driver.IoCallback;
import io.peregrine.nvme.driver.IoQueuePair;
import io.peregrine.nvme.driver.Namespace;
import io.peregrine.nvme.spec.Commands;
import io.peregrine.nvme.spec.Status;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.stream.Collectors;

/**
 * A namespace of an NVMe controller driven from userspace by the nvme-driver module
 * ({@code pcie://0000:00:05.0}, or the driver's software controller, {@code emu://?size=1G}).
 * Each channel owns an I/O queue pair, created on its reactor and polled by its poller: SQEs go to
 * DMA memory, the doorbell is written once per reactor iteration, completions are found by
 * polling the CQ. No system call, lock or allocation per I/O.
 *
 * <p>Buffers must be the controller's DMA memory ({@link #allocateBuffer}, or a {@code
 * DmaBufferPool} of the same device); anything else is bounced. Transfers larger than the
 * controller's MDTS, write-zeroes beyond 65,536 blocks and deallocations beyond a range are split
 * into several commands; a full queue holds requests back until completions make room.
 */
public final class NvmeBdev implements Bdev {
    private static final int UNMAP_CHUNK = 1 << 30;

    private final BdevSpec spec;
    private final NvmeDevice device;
    private final Namespace ns;
    private final DmaMemory dma;
    private final boolean readOnly;
    private final BdevFeatures features;
    private final boolean writeZeroes;
    private final boolean deallocate;

    private NvmeBdev(BdevSpec spec, NvmeDevice device, Namespace ns, boolean readOnly) {
        this.spec = spec;
        this.device = device;
        this.ns = ns;
        this.dma = device.dmaMemory();
        this.readOnly = readOnly;
        ControllerInfo info = device.controller().info();
        this.writeZeroes = info.supportsWriteZeroes();
        this.deallocate = info.supportsDatasetManagement();
        boolean persistent = true;
        boolean stores = true;
        if (device.uri() instanceof DeviceUri.Emu e) {
            persistent = e.file().isPresent() && !e.nullBackend();
            stores = !e.nullBackend();
        }
        this.features = new BdevFeatures(persistent, info.volatileWriteCache(), writeZeroes, stores);
    }

    /** Opens the controller at {@code driverUri} and namespace {@code nsid} of it. */
    public static NvmeBdev open(BdevSpec spec, String driverUri, int nsid, OpenMode mode) throws BdevException {
        NvmeDevice device;
        try {
            device = NvmeDevice.open(driverUri);
        } catch (RuntimeException e) {
            throw new BdevException("cannot open " + spec.uri() + ": " + e.getMessage(), e);
        }
        Namespace ns = device.controller().namespace(nsid).orElse(null);
        if (ns == null) {
            String have = device.controller().namespaces().stream()
                    .map(n -> Integer.toString(n.nsid()))
                    .collect(Collectors.joining(", "));
            device.close();
            throw new BdevException("cannot open " + spec.uri() + ": the controller has no active namespace " + nsid
                    + (have.isEmpty() ? " (it has none)" : " (it has " + have + ")"));
        }
        return new NvmeBdev(spec, device, ns, mode == OpenMode.READ_ONLY);
    }

    /** The driver's device, for health and identity (SMART, serial number). */
    public NvmeDevice device() {
        return device;
    }

    public Namespace namespace() {
        return ns;
    }

    @Override
    public BdevSpec spec() {
        return spec;
    }

    @Override
    public int blockSize() {
        return ns.blockSize();
    }

    @Override
    public long blockCount() {
        return ns.blockCount();
    }

    @Override
    public BdevFeatures features() {
        return features;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    /** PRPs need dword alignment; page alignment keeps a 4 KiB transfer in one PRP entry. */
    @Override
    public int bufferAlignment() {
        return 4096;
    }

    /** Only this device's DMA memory can be named in a PRP. */
    @Override
    public boolean canUseBuffer(MemorySegment segment, long offset, long length) {
        if (!segment.isNative() || ((segment.address() + offset) & 3) != 0) {
            return false;
        }
        try {
            dma.iova(segment.address() + offset, length);
            return true;
        } catch (IllegalArgumentException notDma) {
            return false;
        }
    }

    @Override
    public IoBuffer allocateBuffer(long bytes) {
        DmaBlock block = dma.allocate((bytes + 4095) & ~4095L, 4096);
        return new IoBuffer(block.segment(), () -> dma.free(block));
    }

    @Override
    public BdevChannel openChannel(ReactorCore core) {
        return new Channel(core);
    }

    @Override
    public void close() {
        device.close();
    }

    /** NVMe status (15-bit Status Field) to the bdev's status, for a command of {@code type}. */
    static IoStatus status(int field, IoType type) {
        if (Status.isSuccess(field)) {
            return IoStatus.SUCCESS;
        }
        int sct = Status.sct(field);
        int sc = Status.sc(field);
        if (sct == 0) {
            return switch (sc) {
                case 0x01 -> IoStatus.NOT_SUPPORTED;
                case 0x02 -> IoStatus.INVALID_FIELD;
                case 0x04 -> IoStatus.DATA_TRANSFER_ERROR;
                case 0x07, 0x08 -> IoStatus.ABORTED;
                case 0x20 -> IoStatus.READ_ONLY;
                case 0x80 -> IoStatus.INVALID_RANGE;
                case 0x81 -> IoStatus.CAPACITY_EXCEEDED;
                default -> IoStatus.INTERNAL_ERROR;
            };
        }
        if (sct == 2) {
            return type == IoType.READ ? IoStatus.READ_ERROR : IoStatus.WRITE_FAULT;
        }
        if (sct == 3) {
            return IoStatus.ABORTED; // path related: the driver gave up (reset, queue closed)
        }
        return IoStatus.INTERNAL_ERROR;
    }

    /** One bdev request, possibly several NVMe commands; pooled per channel. */
    private static final class Cmd {
        IoType type;
        long lba;
        long blocks;
        MemorySegment buf;
        long bufOffset;
        IoCompletion cb;
        int inFlight;
        IoStatus status;
        boolean emulatedZeroes;
    }

    private final class Channel extends AbstractBdevChannel implements Poller, IoCallback<Cmd> {
        private final IoQueuePair qp;
        private final ArrayDeque<Cmd> free = new ArrayDeque<>();
        private final ArrayDeque<Cmd> backlog = new ArrayDeque<>();
        private final int maxBlocks;
        private IoBuffer zeroes;

        Channel(ReactorCore core) {
            super(NvmeBdev.this, core);
            this.qp = device.controller().createIoQueuePair();
            this.maxBlocks = ns.maxBlocksPerIo();
            core.addPoller(this);
        }

        private Cmd take(IoType type, long lba, long blocks, MemorySegment buf, long bufOffset, IoCompletion cb) {
            Cmd c = free.poll();
            if (c == null) {
                c = new Cmd();
            }
            c.type = type;
            c.lba = lba;
            c.blocks = blocks;
            c.buf = buf;
            c.bufOffset = bufOffset;
            c.cb = cb;
            c.inFlight = 0;
            c.status = IoStatus.SUCCESS;
            c.emulatedZeroes = false;
            return c;
        }

        private void start(Cmd c) {
            if (!backlog.isEmpty() || !pump(c)) {
                backlog.add(c); // keep submission order behind what already waits
            }
        }

        @Override
        protected void submitRead(long lba, int blocks, MemorySegment buf, long bufOffset, IoCompletion cb) {
            start(take(IoType.READ, lba, blocks, buf, bufOffset, cb));
        }

        @Override
        protected void submitWrite(long lba, int blocks, MemorySegment buf, long bufOffset, IoCompletion cb) {
            start(take(IoType.WRITE, lba, blocks, buf, bufOffset, cb));
        }

        @Override
        protected void submitWriteZeroes(long lba, long blocks, IoCompletion cb) {
            Cmd c = take(IoType.WRITE_ZEROES, lba, blocks, null, 0, cb);
            if (!writeZeroes) {
                // no Write Zeroes on this controller: write zeroes from a buffer instead
                if (zeroes == null) {
                    zeroes = allocateBuffer((long) maxBlocks * blockSize);
                }
                c.emulatedZeroes = true;
                c.buf = zeroes.segment();
            }
            start(c);
        }

        @Override
        protected void submitUnmap(long lba, long blocks, IoCompletion cb) {
            if (!deallocate) {
                doneLater(cb, IoStatus.SUCCESS); // advisory: without Dataset Management the data stays
                return;
            }
            start(take(IoType.UNMAP, lba, blocks, null, 0, cb));
        }

        @Override
        protected void submitFlush(IoCompletion cb) {
            start(take(IoType.FLUSH, 0, 1, null, 0, cb));
        }

        /**
         * Submits as many of {@code c}'s commands as the queue takes; true when none is left to
         * submit (done, or failed for good), false when it must wait for room or a reconnect.
         */
        private boolean pump(Cmd c) {
            while (c.blocks > 0) {
                int n = (int) Math.min(c.blocks, limit(c));
                int rc;
                try {
                    rc = submitOne(c, n);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    // the driver refused the command itself (closed pair, bad buffer): fail it
                    c.status = IoStatus.INTERNAL_ERROR;
                    c.blocks = 0;
                    break;
                }
                if (rc == IoQueuePair.SUBMITTED) {
                    c.inFlight++;
                    c.lba += n;
                    c.blocks -= n;
                    if (c.buf != null && !c.emulatedZeroes) {
                        c.bufOffset += (long) n * blockSize;
                    }
                } else if (rc == IoQueuePair.DISCONNECTED && device.controller().state() == ControllerState.FAILED) {
                    c.status = IoStatus.ABORTED;
                    c.blocks = 0;
                } else {
                    return false; // QUEUE_FULL, or a reset in progress: try again after polling
                }
            }
            if (c.inFlight == 0) {
                finish(c, true);
            }
            return true;
        }

        private long limit(Cmd c) {
            return switch (c.type) {
                case READ, WRITE -> maxBlocks;
                case WRITE_ZEROES -> c.emulatedZeroes ? maxBlocks : Commands.MAX_BLOCKS_PER_COMMAND;
                case UNMAP -> UNMAP_CHUNK;
                case FLUSH -> 1;
            };
        }

        private int submitOne(Cmd c, int n) {
            return switch (c.type) {
                case READ -> ns.read(qp, slice(c, n), c.lba, n, this, c);
                case WRITE -> ns.write(qp, slice(c, n), c.lba, n, this, c);
                case WRITE_ZEROES ->
                    c.emulatedZeroes
                            ? ns.write(qp, c.buf, c.lba, n, this, c)
                            : ns.writeZeroes(qp, c.lba, n, false, this, c);
                case UNMAP -> ns.deallocate(qp, c.lba, n, this, c);
                case FLUSH -> ns.flush(qp, this, c);
            };
        }

        /** The buffer from the request's offset: the segment itself in the common case (no allocation). */
        private MemorySegment slice(Cmd c, int n) {
            return c.bufOffset == 0 ? c.buf : c.buf.asSlice(c.bufOffset, (long) n * blockSize);
        }

        @Override
        public void onComplete(Cmd c, int status) {
            c.inFlight--;
            if (!Status.isSuccess(status) && c.status.isSuccess()) {
                c.status = NvmeBdev.status(status, c.type);
            }
            if (c.inFlight == 0 && c.blocks == 0) {
                finish(c, false);
            }
        }

        private void finish(Cmd c, boolean insideSubmit) {
            IoCompletion cb = c.cb;
            IoStatus st = c.status;
            c.cb = null;
            c.buf = null;
            free.push(c);
            if (insideSubmit) {
                doneLater(cb, st);
            } else {
                done(cb, st);
            }
        }

        @Override
        public int poll() {
            int n = qp.processCompletions(64);
            while (!backlog.isEmpty() && pump(backlog.peek())) {
                backlog.poll();
                n++;
            }
            return n;
        }

        @Override
        public boolean needsPolling() {
            return qp.hasOutstanding() || !backlog.isEmpty();
        }

        @Override
        protected void closeChannel() {
            core.removePoller(this);
            qp.close();
            if (zeroes != null) {
                zeroes.close();
            }
        }
    }
}
