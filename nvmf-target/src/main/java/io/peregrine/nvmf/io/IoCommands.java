package io.peregrine.nvmf.io;

import io.peregrine.nvme.spec.Commands;
import io.peregrine.nvme.spec.DsmRange;
import io.peregrine.nvme.spec.NvmOpcode;
import io.peregrine.nvme.spec.Sqe;
import io.peregrine.nvme.spec.StatusCode;
import io.peregrine.nvmf.core.CommandSet;
import io.peregrine.nvmf.core.NamespaceChannelRef;
import io.peregrine.nvmf.core.Request;
import io.peregrine.nvmf.core.SubsystemNamespace;
import io.peregrine.nvmf.namespace.NamespaceIo;
import io.peregrine.nvmf.namespace.NamespaceOp;
import java.lang.foreign.MemorySegment;

/**
 * The NVM command set on I/O queues (NVM Command Set 1.1; Linux's {@code io-cmd-bdev.c}): Read,
 * Write, Flush, Write Zeroes and Dataset Management (deallocate). Each command is checked here --
 * namespace, LBA range, transfer length -- then handed to the namespace's channel on this event
 * loop; its completion status reaches the host unchanged. Nothing here allocates.
 */
public final class IoCommands implements CommandSet {
    private static final int CDW12_NLB = 0xffff;
    private static final int PEL_NSID = 4;
    private static final int PEL_CDW10 = 40;
    private static final int PEL_CDW11 = 44;

    @Override
    public int parse(Request request) {
        if (!request.queue().controller().ready()) {
            request.errorAt(0);
            return StatusCode.COMMAND_SEQUENCE_ERROR.fieldDnr();
        }
        MemorySegment sqe = request.sqe();
        int opcode = Sqe.opcode(sqe, 0);
        SubsystemNamespace ns = request.queue().controller().subsystem().namespace(Sqe.nsid(sqe, 0));
        if (ns == null && isNvmOpcode(opcode)) {
            request.errorAt(PEL_NSID);
            return StatusCode.INVALID_NAMESPACE_OR_FORMAT.fieldDnr();
        }
        return switch (opcode) {
            case NvmOpcode.OPC_READ -> readWrite(request, ns, Request.CONTROLLER_TO_HOST, IoCommands::read);
            case NvmOpcode.OPC_WRITE -> readWrite(request, ns, Request.HOST_TO_CONTROLLER, IoCommands::write);
            case NvmOpcode.OPC_FLUSH -> noData(request, ns, IoCommands::flush);
            case NvmOpcode.OPC_WRITE_ZEROES -> writeZeroes(request, ns);
            case NvmOpcode.OPC_DATASET_MANAGEMENT -> datasetManagement(request, ns);
            default -> {
                request.errorAt(0);
                yield StatusCode.INVALID_OPCODE.fieldDnr();
            }
        };
    }

    private static boolean isNvmOpcode(int opcode) {
        return opcode == NvmOpcode.OPC_READ
                || opcode == NvmOpcode.OPC_WRITE
                || opcode == NvmOpcode.OPC_FLUSH
                || opcode == NvmOpcode.OPC_WRITE_ZEROES
                || opcode == NvmOpcode.OPC_DATASET_MANAGEMENT;
    }

    private static int readWrite(
            Request request, SubsystemNamespace ns, int direction, io.peregrine.nvmf.core.CommandHandler handler) {
        MemorySegment sqe = request.sqe();
        int status = checkRange(request, ns, Sqe.slba(sqe, 0), (Sqe.cdw12(sqe, 0) & CDW12_NLB) + 1);
        if (status != 0) return status;
        int length = ((Sqe.cdw12(sqe, 0) & CDW12_NLB) + 1) * ns.namespace().blockSize();
        status = request.expectTransfer(direction, length);
        if (status != 0) return status;
        request.context(ns);
        request.handler(handler);
        return 0;
    }

    private static int checkRange(Request request, SubsystemNamespace ns, long slba, long blocks) {
        long capacity = ns.namespace().blockCount();
        if (slba < 0 || slba >= capacity || blocks > capacity - slba) {
            request.errorAt(PEL_CDW10);
            return StatusCode.LBA_OUT_OF_RANGE.fieldDnr();
        }
        return 0;
    }

    private static int noData(Request request, SubsystemNamespace ns, io.peregrine.nvmf.core.CommandHandler handler) {
        int status = request.expectTransfer(Request.NO_DATA, 0);
        if (status != 0) return status;
        request.context(ns);
        request.handler(handler);
        return 0;
    }

    private static int writeZeroes(Request request, SubsystemNamespace ns) {
        MemorySegment sqe = request.sqe();
        int status = checkRange(request, ns, Sqe.slba(sqe, 0), (Sqe.cdw12(sqe, 0) & CDW12_NLB) + 1);
        if (status != 0) return status;
        return noData(request, ns, IoCommands::writeZeroes);
    }

    private static int datasetManagement(Request request, SubsystemNamespace ns) {
        int ranges = Commands.dsmRanges(Sqe.cdw10(request.sqe(), 0));
        int needed = ranges * (int) DsmRange.SIZE;
        if (request.direction() != Request.HOST_TO_CONTROLLER || request.transferLength() < needed) {
            request.errorAt((int) Sqe.DPTR_OFFSET);
            return StatusCode.DATA_SGL_LENGTH_INVALID.fieldDnr();
        }
        request.context(ns);
        request.handler(IoCommands::datasetManagement);
        return 0;
    }

    // ------------------------------------------------------------------ execution

    private static void read(Request request) {
        transfer(request, NamespaceOp.READ);
    }

    private static void write(Request request) {
        transfer(request, NamespaceOp.WRITE);
    }

    private static void transfer(Request request, NamespaceOp op) {
        MemorySegment sqe = request.sqe();
        int cdw12 = Sqe.cdw12(sqe, 0);
        SubsystemNamespace ns = (SubsystemNamespace) request.context();
        NamespaceIo io = request.io()
                .transfer(
                        op,
                        Sqe.slba(sqe, 0),
                        (cdw12 & CDW12_NLB) + 1,
                        request.transferLength(),
                        request.data().segment(),
                        (cdw12 & Commands.CDW12_FUA) != 0 ? NamespaceIo.FUA : 0);
        submit(request, ns, io);
    }

    private static void flush(Request request) {
        submit(request, (SubsystemNamespace) request.context(), request.io().flush());
    }

    private static void writeZeroes(Request request) {
        MemorySegment sqe = request.sqe();
        int cdw12 = Sqe.cdw12(sqe, 0);
        int flags = ((cdw12 & Commands.CDW12_FUA) != 0 ? NamespaceIo.FUA : 0)
                | ((cdw12 & Commands.CDW12_DEAC) != 0 ? NamespaceIo.DEALLOCATE : 0);
        submit(
                request,
                (SubsystemNamespace) request.context(),
                request.io().writeZeroes(Sqe.slba(sqe, 0), (cdw12 & CDW12_NLB) + 1, flags));
    }

    private static void datasetManagement(Request request) {
        MemorySegment sqe = request.sqe();
        SubsystemNamespace ns = (SubsystemNamespace) request.context();
        if ((Sqe.cdw11(sqe, 0) & Commands.DSM_ATTRIBUTE_DEALLOCATE) == 0) {
            request.complete(0); // only access hints: nothing to do
            return;
        }
        int ranges = Commands.dsmRanges(Sqe.cdw10(sqe, 0));
        MemorySegment list = request.data().segment();
        long capacity = ns.namespace().blockCount();
        for (int i = 0; i < ranges; i++) {
            long base = i * DsmRange.SIZE;
            long slba = DsmRange.STARTING_LBA.get(list, base);
            long blocks = DsmRange.LENGTH.get(list, base) & 0xffff_ffffL;
            if (slba < 0 || slba > capacity || blocks > capacity - slba) {
                request.errorAt(PEL_CDW11);
                request.complete(StatusCode.LBA_OUT_OF_RANGE.fieldDnr());
                return;
            }
        }
        submit(request, ns, request.io().deallocate(ranges, list));
    }

    private static void submit(Request request, SubsystemNamespace ns, NamespaceIo io) {
        NamespaceChannelRef channel = request.queue().channel(ns);
        if (!channel.usable()) {
            // removed between parse and execution (a write waiting for its data, say)
            request.errorAt(PEL_NSID);
            request.complete(StatusCode.INVALID_NAMESPACE_OR_FORMAT.fieldDnr());
            return;
        }
        request.context(channel);
        channel.submit(io);
    }
}
