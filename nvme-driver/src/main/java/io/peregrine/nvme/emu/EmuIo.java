package io.peregrine.nvme.emu;

import io.peregrine.nvme.spec.Commands;
import io.peregrine.nvme.spec.DsmRange;
import io.peregrine.nvme.spec.NvmOpcode;
import io.peregrine.nvme.spec.Sqe;
import io.peregrine.nvme.spec.StatusCode;
import java.lang.foreign.MemorySegment;

/**
 * The NVM command set of the model (NVM Command Set 1.1): Read, Write (with FUA), Flush, Write
 * Zeroes (with Deallocate) and Dataset Management (Deallocate). Media errors injected through
 * {@link Faults} fail the command, land in the Error log page and count in SMART.
 */
final class EmuIo {

    private final EmulatedController model;
    private final MemorySegment ranges = MemorySegment.ofArray(new byte[DsmRange.MAX_RANGES * (int) DsmRange.SIZE]);

    EmuIo(EmulatedController model) {
        this.model = model;
    }

    int execute(EmuQueues.Sq sq, MemorySegment sqe) {
        int opcode = Sqe.opcode(sqe, 0);
        int nsid = Sqe.nsid(sqe, 0);
        if (opcode == NvmOpcode.OPC_FLUSH && nsid == Commands.NSID_ALL) {
            for (EmuNamespace ns : model.namespaces) ns.backend.flush();
            return 0;
        }
        EmuNamespace ns = model.namespace(nsid);
        if (ns == null) return StatusCode.INVALID_NAMESPACE_OR_FORMAT.fieldDnr();
        return switch (opcode) {
            case NvmOpcode.OPC_READ -> readWrite(sq, sqe, ns, false);
            case NvmOpcode.OPC_WRITE -> readWrite(sq, sqe, ns, true);
            case NvmOpcode.OPC_FLUSH -> {
                ns.backend.flush();
                yield 0;
            }
            case NvmOpcode.OPC_WRITE_ZEROES -> writeZeroes(sqe, ns);
            case NvmOpcode.OPC_DATASET_MANAGEMENT -> datasetManagement(sqe, ns);
            default -> StatusCode.INVALID_OPCODE.fieldDnr();
        };
    }

    private int readWrite(EmuQueues.Sq sq, MemorySegment sqe, EmuNamespace ns, boolean write) {
        long slba = Sqe.slba(sqe, 0);
        int cdw12 = Sqe.cdw12(sqe, 0);
        int blocks = Commands.rwBlocks(cdw12);
        if (!ns.inRange(slba, blocks)) return StatusCode.LBA_OUT_OF_RANGE.fieldDnr();
        long bytes = (long) blocks << ns.blockShift;
        if (model.mdts != 0 && bytes > (4096L << model.mdts)) return StatusCode.INVALID_FIELD.fieldDnr();
        Faults.MediaError fault = model.faults.mediaErrorFor(ns.nsid, slba, blocks, write);
        if (fault != null) {
            int status = write ? StatusCode.WRITE_FAULT.field() : StatusCode.UNRECOVERED_READ_ERROR.field();
            model.health.mediaErrors++;
            model.health.logError(sq.qid, Sqe.cid(sqe, 0), status, Math.max(slba, fault.first()), ns.nsid);
            return status;
        }
        long prp1 = Sqe.prp1(sqe, 0);
        long prp2 = Sqe.prp2(sqe, 0);
        MemorySegment data = ns.backend.data();
        int status;
        if (data == null) {
            status = model.prp.check(bytes, prp1, prp2);
        } else if (write) {
            status = model.prp.fromHost(data, slba << ns.blockShift, bytes, prp1, prp2);
            if (status == 0 && (cdw12 & Commands.CDW12_FUA) != 0) ns.backend.flush();
        } else {
            status = model.prp.toHost(data, slba << ns.blockShift, bytes, prp1, prp2);
        }
        if (status != 0) {
            model.health.logError(sq.qid, Sqe.cid(sqe, 0), status, slba, ns.nsid);
            return status;
        }
        if (write) {
            model.health.writeCommands++;
            model.health.bytesWritten += bytes;
        } else {
            model.health.readCommands++;
            model.health.bytesRead += bytes;
        }
        return 0;
    }

    private int writeZeroes(MemorySegment sqe, EmuNamespace ns) {
        long slba = Sqe.slba(sqe, 0);
        int blocks = Commands.rwBlocks(Sqe.cdw12(sqe, 0));
        if (!ns.inRange(slba, blocks)) return StatusCode.LBA_OUT_OF_RANGE.fieldDnr();
        // with or without DEAC the blocks read back as zeroes; the model always deallocates
        ns.backend.deallocate(slba << ns.blockShift, (long) blocks << ns.blockShift);
        return 0;
    }

    private int datasetManagement(MemorySegment sqe, EmuNamespace ns) {
        int count = Commands.dsmRanges(Sqe.cdw10(sqe, 0));
        boolean deallocate = (Sqe.cdw11(sqe, 0) & Commands.DSM_ATTRIBUTE_DEALLOCATE) != 0;
        long bytes = count * DsmRange.SIZE;
        int status = model.prp.fromHost(ranges, 0, bytes, Sqe.prp1(sqe, 0), Sqe.prp2(sqe, 0));
        if (status != 0) return status;
        for (int i = 0; i < count; i++) {
            long base = i * DsmRange.SIZE;
            long slba = DsmRange.STARTING_LBA.get(ranges, base);
            long blocks = DsmRange.LENGTH.getUnsigned(ranges.asSlice(base, DsmRange.SIZE));
            if (!ns.inRange(slba, blocks)) return StatusCode.LBA_OUT_OF_RANGE.fieldDnr();
        }
        if (!deallocate) return 0; // hints only
        for (int i = 0; i < count; i++) {
            long base = i * DsmRange.SIZE;
            long slba = DsmRange.STARTING_LBA.get(ranges, base);
            long blocks = DsmRange.LENGTH.getUnsigned(ranges.asSlice(base, DsmRange.SIZE));
            if (blocks > 0) ns.backend.deallocate(slba << ns.blockShift, blocks << ns.blockShift);
        }
        return 0;
    }
}
