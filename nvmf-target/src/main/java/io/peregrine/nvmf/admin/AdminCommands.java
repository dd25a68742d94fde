package io.peregrine.nvmf.admin;

import io.peregrine.nvme.spec.AdminOpcode;
import io.peregrine.nvme.spec.Commands;
import io.peregrine.nvme.spec.Sqe;
import io.peregrine.nvme.spec.StatusCode;
import io.peregrine.nvmf.core.CommandSet;
import io.peregrine.nvmf.core.Controller;
import io.peregrine.nvmf.core.QueuePair;
import io.peregrine.nvmf.core.Request;

/**
 * The admin command set of a fabrics controller (Linux's {@code admin-cmd.c}): Identify, Get Log
 * Page, Get/Set Features, Keep Alive, Asynchronous Event Request and Abort. A discovery
 * controller takes the subset the spec requires of it. Every admin command needs an enabled
 * controller (CC.EN, CSTS.RDY): before that only Fabrics commands work.
 */
public final class AdminCommands {
    private AdminCommands() {}

    /** The admin commands of an I/O controller. */
    public static CommandSet ioController() {
        return request -> parse(request, false);
    }

    /** The admin commands of a discovery controller. */
    public static CommandSet discoveryController() {
        return request -> parse(request, true);
    }

    private static int parse(Request request, boolean discovery) {
        Controller controller = request.queue().controller();
        if (!controller.ready()) {
            request.errorAt(0);
            return StatusCode.COMMAND_SEQUENCE_ERROR.fieldDnr();
        }
        AdminOpcode opcode = AdminOpcode.of(request.opcode());
        if (opcode == null) return invalidOpcode(request);
        return switch (opcode) {
            case IDENTIFY -> Identify.parse(request, discovery);
            case GET_LOG_PAGE -> GetLogPage.parse(request, discovery);
            case SET_FEATURES -> Features.parseSet(request, discovery);
            case GET_FEATURES -> Features.parseGet(request, discovery);
            case KEEP_ALIVE -> noData(request, AdminCommands::keepAlive);
            case ASYNC_EVENT_REQUEST -> noData(request, AdminCommands::asyncEventRequest);
            case ABORT -> discovery ? invalidOpcode(request) : noData(request, AdminCommands::abort);
            default -> invalidOpcode(request);
        };
    }

    private static int noData(Request request, io.peregrine.nvmf.core.CommandHandler handler) {
        int status = request.expectTransfer(Request.NO_DATA, 0);
        if (status != 0) return status;
        request.handler(handler);
        return 0;
    }

    private static int invalidOpcode(Request request) {
        request.errorAt(0);
        return StatusCode.INVALID_OPCODE.fieldDnr();
    }

    private static void keepAlive(Request request) {
        request.queue().controller().touchKeepAlive();
        request.complete(0);
    }

    private static void asyncEventRequest(Request request) {
        // parked before it can be completed: an event may be waiting and complete it at once
        request.context(QueuePair.PARKED);
        int status = request.queue().controller().parkAsyncEventRequest(request);
        if (status != 0) {
            request.context(null);
            request.complete(status);
        }
    }

    /**
     * Abort: commands here are either waiting for their data, which the host controls, or held
     * by a namespace, which cannot take them back; so nothing is ever aborted and DW0 bit 0 says so
     * (NVMe Base 2.1 allows a controller to complete Abort without aborting).
     */
    private static void abort(Request request) {
        int cdw10 = Sqe.cdw10(request.sqe(), 0);
        if (Commands.abortSqid(cdw10) > request.queue().controller().maxIoQueues()) {
            request.errorAt(40);
            request.complete(StatusCode.INVALID_FIELD.fieldDnr());
            return;
        }
        request.result(1);
        request.complete(0);
    }
}
