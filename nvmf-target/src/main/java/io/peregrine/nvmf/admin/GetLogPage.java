package io.peregrine.nvmf.admin;

import io.peregrine.nvme.spec.Commands;
import io.peregrine.nvme.spec.ErrorLogEntry;
import io.peregrine.nvme.spec.LogPageId;
import io.peregrine.nvme.spec.SmartHealthLog;
import io.peregrine.nvme.spec.Sqe;
import io.peregrine.nvme.spec.StatusCode;
import io.peregrine.nvmf.core.Controller;
import io.peregrine.nvmf.core.Request;
import io.peregrine.nvmf.discovery.DiscoveryLog;
import io.peregrine.nvmf.fabrics.spec.ChangedNamespaceList;
import java.lang.foreign.MemorySegment;

/**
 * Get Log Page (NVMe Base 2.1, "Get Log Page command"): Error Information (01h), SMART / Health
 * (02h), Changed Namespace List (04h) on I/O controllers; Discovery (70h) on discovery controllers.
 * Any byte range of a page may be read (LPA bit 2, offsets in CDW12/13); bytes past the end read as
 * zero. Reading a page with RAE clear re-arms the asynchronous event it reports.
 */
final class GetLogPage {
    private static final int RAE = 1 << 15;

    private GetLogPage() {}

    static int parse(Request request, boolean discovery) {
        MemorySegment sqe = request.sqe();
        int cdw10 = Sqe.cdw10(sqe, 0);
        int lid = Commands.getLogPageLid(cdw10);
        boolean supported = discovery
                ? lid == LogPageId.DISCOVERY.value()
                : lid == LogPageId.ERROR_INFORMATION.value()
                        || lid == LogPageId.SMART_HEALTH.value()
                        || lid == LogPageId.CHANGED_NAMESPACE_LIST.value();
        if (!supported) {
            request.errorAt(40);
            return StatusCode.INVALID_LOG_PAGE.fieldDnr();
        }
        long bytes = Commands.getLogPageBytes(cdw10, Sqe.cdw11(sqe, 0));
        long offset = Commands.getLogPageOffset(Sqe.cdw12(sqe, 0), Sqe.cdw13(sqe, 0));
        if (offset % 4 != 0 || offset < 0) {
            request.errorAt(48);
            return StatusCode.INVALID_FIELD.fieldDnr();
        }
        if (bytes > request.queue().target().limits().maxTransferSize()) {
            request.errorAt(40);
            return StatusCode.DATA_SGL_LENGTH_INVALID.fieldDnr();
        }
        int status = request.expectTransfer(Request.CONTROLLER_TO_HOST, (int) bytes);
        if (status != 0) return status;
        if (lid == LogPageId.SMART_HEALTH.value()) {
            int nsid = Sqe.nsid(sqe, 0);
            if (nsid != 0 && nsid != Commands.NSID_ALL) {
                // LPA bit 0 is clear: SMART is reported for the controller, not per namespace
                request.errorAt(4);
                return StatusCode.INVALID_FIELD.fieldDnr();
            }
        }
        request.handler(GetLogPage::execute);
        return 0;
    }

    private static void execute(Request request) {
        MemorySegment sqe = request.sqe();
        int cdw10 = Sqe.cdw10(sqe, 0);
        int lid = Commands.getLogPageLid(cdw10);
        boolean retainEvent = (cdw10 & RAE) != 0;
        long offset = Commands.getLogPageOffset(Sqe.cdw12(sqe, 0), Sqe.cdw13(sqe, 0));
        Controller controller = request.queue().controller();

        MemorySegment page;
        if (lid == LogPageId.ERROR_INFORMATION.value()) {
            page = MemorySegment.ofArray(new byte[Controller.errorLogEntries() * (int) ErrorLogEntry.SIZE]);
            controller.errorLog(page);
        } else if (lid == LogPageId.SMART_HEALTH.value()) {
            page = smart(controller);
        } else if (lid == LogPageId.CHANGED_NAMESPACE_LIST.value()) {
            page = MemorySegment.ofArray(new byte[ChangedNamespaceList.SIZE]);
            controller.changedNamespaces(page, !retainEvent);
        } else {
            page = DiscoveryLog.page(
                    controller.subsystem().target(),
                    controller.hostNqn(),
                    request.queue().transport().localAddress());
        }
        if (offset > page.byteSize()) {
            request.errorAt(48);
            request.complete(StatusCode.INVALID_FIELD.fieldDnr());
            return;
        }
        MemorySegment out = request.data().segment();
        int length = request.transferLength();
        long available = Math.min(length, page.byteSize() - offset);
        MemorySegment.copy(page, offset, out, 0, available);
        if (available < length) out.asSlice(available, length - available).fill((byte) 0);
        if (!retainEvent) controller.logPageRead(lid);
        request.complete(0);
    }

    private static MemorySegment smart(Controller controller) {
        MemorySegment page = MemorySegment.ofArray(new byte[(int) SmartHealthLog.SIZE]);
        long[] io = controller.subsystem().ioStatistics();
        SmartHealthLog.AVAILABLE_SPARE.set(page, 100);
        SmartHealthLog.AVAILABLE_SPARE_THRESHOLD.set(page, 10);
        SmartHealthLog.HOST_READ_COMMANDS.set(page, io[0]);
        SmartHealthLog.HOST_WRITE_COMMANDS.set(page, io[1]);
        SmartHealthLog.DATA_UNITS_READ.set(page, SmartHealthLog.dataUnits(io[2]));
        SmartHealthLog.DATA_UNITS_WRITTEN.set(page, SmartHealthLog.dataUnits(io[3]));
        SmartHealthLog.ERROR_LOG_ENTRIES.set(page, controller.errorCount());
        return page;
    }
}
