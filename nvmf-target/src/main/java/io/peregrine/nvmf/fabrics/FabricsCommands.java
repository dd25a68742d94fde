package io.peregrine.nvmf.fabrics;

import io.peregrine.nvme.spec.ControllerRegisters;
import io.peregrine.nvme.spec.FabricsCommandType;
import io.peregrine.nvme.spec.StatusCode;
import io.peregrine.nvmf.core.CommandSet;
import io.peregrine.nvmf.core.Controller;
import io.peregrine.nvmf.core.QueuePair;
import io.peregrine.nvmf.core.Request;
import io.peregrine.nvmf.fabrics.spec.FabricsCommand;

/**
 * The Fabrics command set (NVMe Base 2.1, "Fabrics Command Set"; Linux's {@code fabrics-cmd.c}):
 * Connect on a new queue, Property Get/Set on the admin queue, Disconnect on an I/O queue.
 */
public final class FabricsCommands {
    /** NVMe version the controllers report (VS): 2.1.0. */
    public static final int VERSION = ControllerRegisters.vs(2, 1, 0);
    /** CAP.TO: how long a host waits for CSTS.RDY, in 500 ms units (we are ready at once). */
    static final int CAP_TIMEOUT = 15;

    private final Connect connect = new Connect();

    /** Commands on a queue not yet connected: Connect only. */
    public CommandSet connectSet() {
        return this::parseUnconnected;
    }

    /** Fabrics commands on a connected queue. */
    public CommandSet fabricsSet() {
        return this::parseConnected;
    }

    private int parseUnconnected(Request request) {
        if (request.opcode() != FabricsCommand.OPCODE
                || FabricsCommand.FCTYPE.get(request.sqe()) != FabricsCommandType.CONNECT.value()) {
            // NVMe Base 2.1: the first command on a queue is Connect
            request.errorAt(0);
            return StatusCode.COMMAND_SEQUENCE_ERROR.fieldDnr();
        }
        return connect.parse(request);
    }

    private int parseConnected(Request request) {
        var sqe = request.sqe();
        int fctype = FabricsCommand.FCTYPE.get(sqe);
        QueuePair queue = request.queue();
        FabricsCommandType type = FabricsCommandType.of(fctype);
        if (type == null) {
            request.errorAt((int) FabricsCommand.FCTYPE.offset());
            return StatusCode.INVALID_OPCODE.fieldDnr();
        }
        return switch (type) {
            case CONNECT -> {
                request.errorAt((int) FabricsCommand.FCTYPE.offset());
                yield StatusCode.COMMAND_SEQUENCE_ERROR.fieldDnr();
            }
            case PROPERTY_GET, PROPERTY_SET -> {
                if (queue.qid() != 0) {
                    request.errorAt((int) FabricsCommand.FCTYPE.offset());
                    yield StatusCode.INVALID_OPCODE.fieldDnr();
                }
                int status = request.expectTransfer(Request.NO_DATA, 0);
                if (status != 0) yield status;
                request.handler(
                        type == FabricsCommandType.PROPERTY_GET
                                ? FabricsCommands::propertyGet
                                : FabricsCommands::propertySet);
                yield 0;
            }
            case DISCONNECT -> {
                if (queue.qid() == 0) {
                    // the admin queue ends with the association (CC.SHN and a closed connection)
                    request.errorAt((int) FabricsCommand.FCTYPE.offset());
                    yield StatusCode.INVALID_QUEUE_TYPE.fieldDnr();
                }
                int status = request.expectTransfer(Request.NO_DATA, 0);
                if (status != 0) yield status;
                request.handler(FabricsCommands::disconnect);
                yield 0;
            }
            case AUTHENTICATION_SEND, AUTHENTICATION_RECEIVE -> {
                // in-band authentication is not offered (no DH-HMAC-CHAP secrets are configured)
                request.errorAt((int) FabricsCommand.FCTYPE.offset());
                yield StatusCode.INVALID_OPCODE.fieldDnr();
            }
        };
    }

    /** CAP for every controller of this target (NVMe Base 2.1, "Controller Capabilities"). */
    static long capabilities(Controller controller) {
        int mqes = controller.subsystem().target().limits().maxQueueEntries() - 1;
        return new ControllerRegisters.Cap(
                        mqes,
                        true,
                        0,
                        CAP_TIMEOUT,
                        0,
                        false,
                        ControllerRegisters.Cap.CSS_NVM_SUPPORTED,
                        false,
                        0,
                        0,
                        false,
                        false)
                .encode();
    }

    private static void propertyGet(Request request) {
        var sqe = request.sqe();
        Controller controller = request.queue().controller();
        boolean eightBytes = (FabricsCommand.PROPERTY_ATTRIB.get(sqe) & 0x7) == FabricsCommand.ATTRIB_SIZE_8;
        long offset = FabricsCommand.PROPERTY_OFST.getUnsigned(sqe);
        long value;
        if (eightBytes) {
            if (offset != ControllerRegisters.CAP) {
                invalidProperty(request);
                return;
            }
            value = capabilities(controller);
        } else if (offset == ControllerRegisters.VS) {
            value = VERSION;
        } else if (offset == ControllerRegisters.CC) {
            value = controller.cc() & 0xffff_ffffL;
        } else if (offset == ControllerRegisters.CSTS) {
            value = controller.csts() & 0xffff_ffffL;
        } else if (offset == ControllerRegisters.NSSR) {
            value = 0; // subsystem reset is not supported (CAP.NSSRS = 0); the register reads as 0
        } else {
            invalidProperty(request);
            return;
        }
        request.result((int) value, (int) (value >>> 32));
        request.complete(0);
    }

    private static void propertySet(Request request) {
        var sqe = request.sqe();
        Controller controller = request.queue().controller();
        boolean eightBytes = (FabricsCommand.PROPERTY_ATTRIB.get(sqe) & 0x7) == FabricsCommand.ATTRIB_SIZE_8;
        long offset = FabricsCommand.PROPERTY_OFST.getUnsigned(sqe);
        if (eightBytes || offset != ControllerRegisters.CC) {
            // CC is the only property a host writes; the rest are read-only or unsupported
            invalidProperty(request);
            return;
        }
        request.complete(controller.writeCc((int) FabricsCommand.PROPERTY_VALUE.get(sqe)));
    }

    private static void invalidProperty(Request request) {
        request.errorAt((int) FabricsCommand.PROPERTY_OFST.offset());
        request.complete(StatusCode.INVALID_FIELD.fieldDnr());
    }

    private static void disconnect(Request request) {
        request.complete(0);
        // the response is queued on the connection before the close, which flushes it first
        request.queue()
                .transport()
                .close("the host disconnected I/O queue " + request.queue().qid());
    }
}
