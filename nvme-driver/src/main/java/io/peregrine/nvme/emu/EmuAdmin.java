package io.peregrine.nvme.emu;

import static io.peregrine.nvme.emu.EmuQueues.INT32;

import io.peregrine.nvme.spec.AdminOpcode;
import io.peregrine.nvme.spec.Cns;
import io.peregrine.nvme.spec.Commands;
import io.peregrine.nvme.spec.ControllerRegisters;
import io.peregrine.nvme.spec.ErrorLogEntry;
import io.peregrine.nvme.spec.FeatureId;
import io.peregrine.nvme.spec.LogPageId;
import io.peregrine.nvme.spec.SmartHealthLog;
import io.peregrine.nvme.spec.Sqe;
import io.peregrine.nvme.spec.StatusCode;
import java.lang.foreign.MemorySegment;

/**
 * The admin commands of the model (NVMe Base 2.1, "Admin Command Set"): Identify, Get Log Page
 * (Error, SMART/Health), Set/Get Features, Create/Delete I/O queues, Abort, Asynchronous Event
 * Request and Keep Alive. Each handler answers a Status Field and may leave DW0 in
 * {@code model.resultDw0}; handlers carry the spec's names, nvmet-style.
 */
final class EmuAdmin {

    /** Returned by a command whose completion comes later (an AER). */
    static final int NO_COMPLETION = -1;

    private final EmulatedController model;
    private final MemorySegment scratch = MemorySegment.ofArray(new byte[4096]);
    private int arbitration;
    private int powerManagement;
    private int temperatureThreshold = 343;
    private int asyncEventConfiguration;

    EmuAdmin(EmulatedController model) {
        this.model = model;
    }

    int execute(MemorySegment sqe) {
        AdminOpcode opcode = AdminOpcode.of(Sqe.opcode(sqe, 0));
        if (opcode == null) return StatusCode.INVALID_OPCODE.fieldDnr();
        return switch (opcode) {
            case IDENTIFY -> identify(sqe);
            case GET_LOG_PAGE -> getLogPage(sqe);
            case SET_FEATURES -> setFeatures(sqe);
            case GET_FEATURES -> getFeatures(sqe);
            case CREATE_IO_CQ -> createIoCq(sqe);
            case CREATE_IO_SQ -> createIoSq(sqe);
            case DELETE_IO_SQ -> deleteIoSq(sqe);
            case DELETE_IO_CQ -> deleteIoCq(sqe);
            case ABORT -> abort(sqe);
            case ASYNC_EVENT_REQUEST -> asyncEventRequest();
            case KEEP_ALIVE -> 0;
            default -> StatusCode.INVALID_OPCODE.fieldDnr();
        };
    }

    private int identify(MemorySegment sqe) {
        int nsid = Sqe.nsid(sqe, 0);
        long prp1 = Sqe.prp1(sqe, 0);
        long prp2 = Sqe.prp2(sqe, 0);
        Cns cns = Cns.of(Commands.identifyCns(Sqe.cdw10(sqe, 0)));
        if (cns == null) return StatusCode.INVALID_FIELD.fieldDnr();
        switch (cns) {
            case CONTROLLER -> {
                return model.prp.toHost(model.identifyController, 0, 4096, prp1, prp2);
            }
            case NAMESPACE -> {
                EmuNamespace ns = model.namespace(nsid);
                if (ns == null) return StatusCode.INVALID_NAMESPACE_OR_FORMAT.fieldDnr();
                return model.prp.toHost(ns.identify, 0, 4096, prp1, prp2);
            }
            case NAMESPACE_ID_DESCRIPTORS -> {
                EmuNamespace ns = model.namespace(nsid);
                if (ns == null) return StatusCode.INVALID_NAMESPACE_OR_FORMAT.fieldDnr();
                return model.prp.toHost(ns.descriptors, 0, 4096, prp1, prp2);
            }
            case ACTIVE_NAMESPACE_LIST -> {
                if (nsid == Commands.NSID_ALL || nsid == Commands.NSID_ALL - 1) {
                    return StatusCode.INVALID_NAMESPACE_OR_FORMAT.fieldDnr();
                }
                scratch.fill((byte) 0);
                int n = 0;
                for (EmuNamespace ns : model.namespaces) {
                    if (Integer.compareUnsigned(ns.nsid, nsid) > 0 && n < 1024) {
                        scratch.set(io.peregrine.nvme.spec.Le.U32, 4L * n++, ns.nsid);
                    }
                }
                return model.prp.toHost(scratch, 0, 4096, prp1, prp2);
            }
            default -> {
                return StatusCode.INVALID_FIELD.fieldDnr();
            }
        }
    }

    private int getLogPage(MemorySegment sqe) {
        int cdw10 = Sqe.cdw10(sqe, 0);
        long bytes = Commands.getLogPageBytes(cdw10, Sqe.cdw11(sqe, 0));
        long offset = Commands.getLogPageOffset(Sqe.cdw12(sqe, 0), Sqe.cdw13(sqe, 0));
        int nsid = Sqe.nsid(sqe, 0);
        LogPageId lid = LogPageId.of(Commands.getLogPageLid(cdw10));
        long size;
        if (lid == LogPageId.ERROR_INFORMATION) {
            size = EmuHealth.ERROR_ENTRIES * ErrorLogEntry.SIZE;
            model.health.writeErrors(scratch);
        } else if (lid == LogPageId.SMART_HEALTH) {
            // LPA bit 0 is clear: SMART is controller-wide only
            if (nsid != 0 && nsid != Commands.NSID_ALL) return StatusCode.INVALID_FIELD.fieldDnr();
            size = SmartHealthLog.SIZE;
            model.health.writeSmart(scratch.asSlice(0, SmartHealthLog.SIZE));
        } else {
            return StatusCode.INVALID_LOG_PAGE.fieldDnr();
        }
        if ((offset & 3) != 0 || offset >= size || bytes > size - offset) return StatusCode.INVALID_FIELD.fieldDnr();
        return model.prp.toHost(scratch, offset, bytes, Sqe.prp1(sqe, 0), Sqe.prp2(sqe, 0));
    }

    private int setFeatures(MemorySegment sqe) {
        int cdw11 = Sqe.cdw11(sqe, 0);
        FeatureId fid = FeatureId.of(Commands.featureId(Sqe.cdw10(sqe, 0)));
        if (fid == null) return StatusCode.INVALID_FIELD.fieldDnr();
        if ((Sqe.cdw10(sqe, 0) & (1 << 31)) != 0) return StatusCode.FEATURE_NOT_SAVEABLE.fieldDnr();
        switch (fid) {
            case NUMBER_OF_QUEUES -> {
                if (model.ioQueuesCreated) return StatusCode.COMMAND_SEQUENCE_ERROR.fieldDnr();
                if ((cdw11 & 0xffff) == 0xffff || (cdw11 >>> 16) == 0xffff) return StatusCode.INVALID_FIELD.fieldDnr();
                model.grantedSqs = Math.min(Commands.numberOfSubmissionQueues(cdw11), model.maxIoQueues);
                model.grantedCqs = Math.min(Commands.numberOfCompletionQueues(cdw11), model.maxIoQueues);
                model.resultDw0 = Commands.numberOfQueues(model.grantedSqs, model.grantedCqs);
                return 0;
            }
            case VOLATILE_WRITE_CACHE -> {
                model.volatileWriteCache = (cdw11 & 1) != 0;
                return 0;
            }
            case ARBITRATION -> {
                arbitration = cdw11;
                return 0;
            }
            case POWER_MANAGEMENT -> {
                if ((cdw11 & 0x1f) != 0) return StatusCode.INVALID_FIELD.fieldDnr(); // only power state 0
                powerManagement = cdw11;
                return 0;
            }
            case TEMPERATURE_THRESHOLD -> {
                temperatureThreshold = cdw11 & 0xffff;
                return 0;
            }
            case ASYNC_EVENT_CONFIGURATION -> {
                asyncEventConfiguration = cdw11;
                return 0;
            }
            default -> {
                return StatusCode.INVALID_FIELD.fieldDnr();
            }
        }
    }

    private int getFeatures(MemorySegment sqe) {
        FeatureId fid = FeatureId.of(Commands.featureId(Sqe.cdw10(sqe, 0)));
        if (fid == null) return StatusCode.INVALID_FIELD.fieldDnr();
        model.resultDw0 = switch (fid) {
            case NUMBER_OF_QUEUES -> Commands.numberOfQueues(model.grantedSqs, model.grantedCqs);
            case VOLATILE_WRITE_CACHE -> model.volatileWriteCache ? 1 : 0;
            case ARBITRATION -> arbitration;
            case POWER_MANAGEMENT -> powerManagement;
            case TEMPERATURE_THRESHOLD -> temperatureThreshold;
            case ASYNC_EVENT_CONFIGURATION -> asyncEventConfiguration;
            default -> -1;
        };
        if (model.resultDw0 == -1) {
            model.resultDw0 = 0;
            return StatusCode.INVALID_FIELD.fieldDnr();
        }
        return 0;
    }

    private int createIoCq(MemorySegment sqe) {
        int cdw10 = Sqe.cdw10(sqe, 0);
        int qid = Commands.queueId(cdw10);
        int entries = Commands.queueEntries(cdw10);
        long base = Sqe.prp1(sqe, 0);
        if (qid == 0 || qid > model.grantedCqs || model.cqs[qid] != null) {
            return StatusCode.INVALID_QUEUE_IDENTIFIER.fieldDnr();
        }
        if (entries < 2 || entries > model.maxQueueEntries) return StatusCode.INVALID_QUEUE_SIZE.fieldDnr();
        if (!Commands.physicallyContiguous(Sqe.cdw11(sqe, 0))) return StatusCode.INVALID_FIELD.fieldDnr(); // CAP.CQR
        if ((base & 0xfff) != 0) return StatusCode.PRP_OFFSET_INVALID.fieldDnr();
        EmuDmaTable.Mapping ring = model.dma.find(base, 16L * entries);
        if (ring == null) return StatusCode.INVALID_FIELD.fieldDnr();
        INT32.setRelease(model.bar, ControllerRegisters.cqHeadDoorbell(qid, 0), 0);
        model.cqs[qid] = new EmuQueues.Cq(qid, entries, ring.memory(), base - ring.iova());
        model.ioQueuesCreated = true;
        return 0;
    }

    private int createIoSq(MemorySegment sqe) {
        int cdw10 = Sqe.cdw10(sqe, 0);
        int cdw11 = Sqe.cdw11(sqe, 0);
        int qid = Commands.queueId(cdw10);
        int entries = Commands.queueEntries(cdw10);
        int cqid = Commands.createIoSqCqid(cdw11);
        long base = Sqe.prp1(sqe, 0);
        if (qid == 0 || qid > model.grantedSqs || model.sqs[qid] != null) {
            return StatusCode.INVALID_QUEUE_IDENTIFIER.fieldDnr();
        }
        if (cqid == 0 || cqid >= model.cqs.length || model.cqs[cqid] == null) {
            return StatusCode.COMPLETION_QUEUE_INVALID.fieldDnr();
        }
        if (entries < 2 || entries > model.maxQueueEntries) return StatusCode.INVALID_QUEUE_SIZE.fieldDnr();
        if (!Commands.physicallyContiguous(cdw11)) return StatusCode.INVALID_FIELD.fieldDnr();
        if ((base & 0xfff) != 0) return StatusCode.PRP_OFFSET_INVALID.fieldDnr();
        EmuDmaTable.Mapping ring = model.dma.find(base, 64L * entries);
        if (ring == null) return StatusCode.INVALID_FIELD.fieldDnr();
        EmuQueues.Cq cq = model.cqs[cqid];
        INT32.setRelease(model.bar, ControllerRegisters.sqTailDoorbell(qid, 0), 0);
        model.sqs[qid] = new EmuQueues.Sq(qid, entries, cq, ring.memory(), base - ring.iova());
        cq.sqCount++;
        model.ioQueuesCreated = true;
        model.rebuildActive();
        return 0;
    }

    private int deleteIoSq(MemorySegment sqe) {
        int qid = Commands.queueId(Sqe.cdw10(sqe, 0));
        if (qid == 0 || qid >= model.sqs.length || model.sqs[qid] == null) {
            return StatusCode.INVALID_QUEUE_IDENTIFIER.fieldDnr();
        }
        EmuQueues.Sq sq = model.sqs[qid];
        // commands still held complete as aborted before the queue goes
        for (int i = 0; i < model.pending.size(); i++) {
            EmuQueues.Pending p = model.pending.get(i);
            if (p.sq() != sq) continue;
            if (!sq.cq.full()) sq.cq.post(0, sq.head, qid, p.cid(), StatusCode.ABORTED_SQ_DELETION.field());
            model.pending.remove(i--);
        }
        model.sqs[qid] = null;
        sq.cq.sqCount--;
        model.rebuildActive();
        return 0;
    }

    private int deleteIoCq(MemorySegment sqe) {
        int qid = Commands.queueId(Sqe.cdw10(sqe, 0));
        if (qid == 0 || qid >= model.cqs.length || model.cqs[qid] == null) {
            return StatusCode.INVALID_QUEUE_IDENTIFIER.fieldDnr();
        }
        if (model.cqs[qid].sqCount > 0) return StatusCode.INVALID_QUEUE_DELETION.fieldDnr();
        model.cqs[qid] = null;
        return 0;
    }

    /**
     * Abort (NVMe Base 2.1, Abort command): a command this model still holds (a delayed
     * completion) completes with Command Abort Requested and DW0 bit 0 is 0; otherwise — already
     * completed, or its completion lost — DW0 bit 0 is 1, "not aborted".
     */
    private int abort(MemorySegment sqe) {
        int cdw10 = Sqe.cdw10(sqe, 0);
        int sqid = Commands.abortSqid(cdw10);
        int cid = Commands.abortCid(cdw10);
        for (int i = 0; i < model.pending.size(); i++) {
            EmuQueues.Pending p = model.pending.get(i);
            if (p.sq().qid == sqid && p.cid() == cid && !p.sq().cq.full()) {
                p.sq().cq.post(0, p.sq().head, sqid, cid, StatusCode.ABORT_REQUESTED.field());
                model.pending.remove(i);
                model.resultDw0 = 0;
                return 0;
            }
        }
        model.resultDw0 = 1;
        return 0;
    }

    private int asyncEventRequest() {
        if (model.outstandingAsyncEvents > 3) return StatusCode.ASYNC_EVENT_REQUEST_LIMIT_EXCEEDED.fieldDnr();
        model.outstandingAsyncEvents++;
        return NO_COMPLETION; // held until an event the model never raises, or a reset
    }
}
