package io.peregrine.nvme.driver;

import io.peregrine.nvme.spec.Commands;
import io.peregrine.nvme.spec.DsmRange;
import io.peregrine.nvme.spec.IdentifyNamespace;
import io.peregrine.nvme.spec.LbaFormat;
import io.peregrine.nvme.spec.NamespaceIdDescriptor;
import io.peregrine.nvme.spec.NvmOpcode;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * An NVM namespace of a controller, and the asynchronous commands on it. Each command goes
 * through an {@link IoQueuePair} owned by the calling thread, answers a submission code (see
 * {@link IoQueuePair#SUBMITTED}) and later calls its {@link IoCallback} with the argument given
 * here and the NVMe status.
 *
 * <pre>{@code
 * int rc = ns.read(qpair, buffer, lba, blocks, ON_READ, myRequest);   // ON_READ: one static callback
 * ...
 * while (qpair.hasOutstanding()) qpair.processCompletions(64);
 * }</pre>
 *
 * Buffers are {@link MemorySegment}s of the controller's DMA memory (a
 * {@link io.peregrine.nvme.dma.DmaBufferPool}), dword aligned, at least {@code blocks *
 * blockSize()} bytes. Immutable apart from the I/O it starts; shareable between threads.
 */
public final class Namespace {

    private final NvmeController controller;
    private final int nsid;
    private final long blockCount;
    private final long capacityBlocks;
    private final int blockSize;
    private final int blockShift;
    private final int metadataSize;
    private final List<NamespaceIdDescriptor> descriptors;
    private final byte[] nguid;
    private final byte[] eui64;
    private final boolean deallocatedReadsZeroes;
    private final int maxBlocksPerIo;

    Namespace(NvmeController controller, int nsid, MemorySegment identify, List<NamespaceIdDescriptor> descriptors) {
        this.controller = controller;
        this.nsid = nsid;
        LbaFormat format = IdentifyNamespace.formatted(identify);
        if (format.blockSize() == 0) {
            throw new NvmeException(controller.address() + " namespace " + nsid + " is formatted with LBA data size 2^"
                    + format.lbaDataSizeShift() + ", which this driver cannot use");
        }
        this.blockCount = IdentifyNamespace.NSZE.get(identify);
        this.capacityBlocks = IdentifyNamespace.NCAP.get(identify);
        this.blockSize = format.blockSize();
        this.blockShift = format.lbaDataSizeShift();
        this.metadataSize = format.metadataSize();
        this.descriptors = List.copyOf(descriptors);
        this.nguid = IdentifyNamespace.NGUID.get(identify);
        this.eui64 = IdentifyNamespace.EUI64.get(identify);
        this.deallocatedReadsZeroes =
                (IdentifyNamespace.DLFEAT.get(identify) & 0x7) == IdentifyNamespace.DLFEAT_READ_ZEROES;
        this.maxBlocksPerIo =
                (int) Math.min(Commands.MAX_BLOCKS_PER_COMMAND, controller.maxTransferBytes() >>> blockShift);
    }

    public int nsid() {
        return nsid;
    }

    /** NSZE: the namespace's size in logical blocks. */
    public long blockCount() {
        return blockCount;
    }

    /** NCAP: blocks that may be allocated (thin namespaces report less than NSZE). */
    public long capacityBlocks() {
        return capacityBlocks;
    }

    public int blockSize() {
        return blockSize;
    }

    public int metadataSize() {
        return metadataSize;
    }

    public long sizeBytes() {
        return blockCount << blockShift;
    }

    /** The most blocks one Read or Write may move (MDTS and the driver's transfer limit). */
    public int maxBlocksPerIo() {
        return maxBlocksPerIo;
    }

    /** Whether deallocated blocks read back as zeroes (DLFEAT). */
    public boolean deallocatedReadsZeroes() {
        return deallocatedReadsZeroes;
    }

    public List<NamespaceIdDescriptor> descriptors() {
        return descriptors;
    }

    public byte[] nguid() {
        return nguid.clone();
    }

    public byte[] eui64() {
        return eui64.clone();
    }

    public Optional<UUID> uuid() {
        return descriptors.stream()
                .filter(d -> d.type() == NamespaceIdDescriptor.Type.UUID)
                .map(NamespaceIdDescriptor::asUuid)
                .findFirst();
    }

    public NvmeController controller() {
        return controller;
    }

    // ---- commands

    /** Read (NVM 02h): {@code blocks} blocks from {@code lba} into {@code buffer}. */
    public <A> int read(IoQueuePair qpair, MemorySegment buffer, long lba, int blocks, IoCallback<A> callback, A arg) {
        checkTransfer(qpair, lba, blocks);
        return qpair.submit(
                NvmOpcode.OPC_READ,
                nsid,
                lba,
                (int) lba,
                (int) (lba >>> 32),
                blocks - 1,
                0,
                buffer,
                (long) blocks << blockShift,
                callback,
                arg,
                false,
                0,
                0);
    }

    /** Write (NVM 01h): {@code blocks} blocks from {@code buffer} to {@code lba}. */
    public <A> int write(IoQueuePair qpair, MemorySegment buffer, long lba, int blocks, IoCallback<A> callback, A arg) {
        return write(qpair, buffer, lba, blocks, false, callback, arg);
    }

    /** Write with Force Unit Access: complete only once the data is on non-volatile media. */
    public <A> int write(
            IoQueuePair qpair,
            MemorySegment buffer,
            long lba,
            int blocks,
            boolean forceUnitAccess,
            IoCallback<A> callback,
            A arg) {
        checkTransfer(qpair, lba, blocks);
        return qpair.submit(
                NvmOpcode.OPC_WRITE,
                nsid,
                lba,
                (int) lba,
                (int) (lba >>> 32),
                (blocks - 1) | (forceUnitAccess ? Commands.CDW12_FUA : 0),
                0,
                buffer,
                (long) blocks << blockShift,
                callback,
                arg,
                false,
                0,
                0);
    }

    /** Flush (NVM 00h): everything completed before is made non-volatile. */
    public <A> int flush(IoQueuePair qpair, IoCallback<A> callback, A arg) {
        checkQueuePair(qpair);
        return qpair.submit(NvmOpcode.OPC_FLUSH, nsid, 0, 0, 0, 0, 0, null, 0, callback, arg, false, 0, 0);
    }

    /**
     * Write Zeroes (NVM 08h): up to 65,536 blocks read back as zeroes; with {@code deallocate} the
     * controller may also deallocate them (DEAC).
     */
    public <A> int writeZeroes(
            IoQueuePair qpair, long lba, int blocks, boolean deallocate, IoCallback<A> callback, A arg) {
        checkQueuePair(qpair);
        checkRange(lba, blocks);
        if (blocks > Commands.MAX_BLOCKS_PER_COMMAND) {
            throw new IllegalArgumentException("Write Zeroes covers at most 65536 blocks, got " + blocks);
        }
        int cdw12 = (blocks - 1) | (deallocate ? Commands.CDW12_DEAC : 0);
        return qpair.submit(
                NvmOpcode.OPC_WRITE_ZEROES,
                nsid,
                lba,
                (int) lba,
                (int) (lba >>> 32),
                cdw12,
                0,
                null,
                0,
                callback,
                arg,
                false,
                0,
                0);
    }

    /** Dataset Management with Deallocate (NVM 09h, AD) for one range (TRIM / discard). */
    public <A> int deallocate(IoQueuePair qpair, long lba, long blocks, IoCallback<A> callback, A arg) {
        checkQueuePair(qpair);
        checkRange(lba, blocks);
        if (blocks > 0xffff_ffffL) throw new IllegalArgumentException("one range covers at most 2^32-1 blocks");
        return qpair.submit(
                NvmOpcode.OPC_DATASET_MANAGEMENT,
                nsid,
                lba,
                Commands.dsmCdw10(1),
                Commands.DSM_ATTRIBUTE_DEALLOCATE,
                0,
                0,
                null,
                0,
                callback,
                arg,
                true,
                lba,
                (int) blocks);
    }

    /**
     * Dataset Management with Deallocate for {@code count} ranges the caller wrote into
     * {@code ranges} (DMA memory, {@link DsmRange} layout, 16 bytes each).
     */
    public <A> int deallocate(IoQueuePair qpair, MemorySegment ranges, int count, IoCallback<A> callback, A arg) {
        checkQueuePair(qpair);
        int cdw10 = Commands.dsmCdw10(count);
        for (int i = 0; i < count; i++) {
            long base = i * DsmRange.SIZE;
            checkRange(DsmRange.STARTING_LBA.get(ranges, base), DsmRange.LENGTH.get(ranges, base) & 0xffff_ffffL);
        }
        return qpair.submit(
                NvmOpcode.OPC_DATASET_MANAGEMENT,
                nsid,
                0,
                cdw10,
                Commands.DSM_ATTRIBUTE_DEALLOCATE,
                0,
                0,
                ranges,
                count * DsmRange.SIZE,
                callback,
                arg,
                false,
                0,
                0);
    }

    private void checkTransfer(IoQueuePair qpair, long lba, int blocks) {
        checkQueuePair(qpair);
        checkRange(lba, blocks);
        if (blocks > maxBlocksPerIo) {
            throw new IllegalArgumentException(blocks + " blocks is more than one command moves on namespace " + nsid
                    + " (" + maxBlocksPerIo + "); split the I/O");
        }
    }

    private void checkRange(long lba, long blocks) {
        if (blocks < 1 || lba < 0 || lba > blockCount - blocks) {
            throw new IllegalArgumentException("blocks [" + lba + ", " + lba + " + " + blocks
                    + ") are outside namespace " + nsid + " (" + blockCount + " blocks)");
        }
    }

    private void checkQueuePair(IoQueuePair qpair) {
        if (qpair.controller() != controller) {
            throw new IllegalArgumentException("that queue pair belongs to another controller");
        }
    }

    @Override
    public String toString() {
        return controller.address() + " namespace " + nsid + " (" + blockCount + " x " + blockSize + " B)";
    }
}
