package io.peregrine.nvmf.fabrics;

import io.peregrine.nvme.spec.StatusCode;
import io.peregrine.nvmf.core.Controller;
import io.peregrine.nvmf.core.Nqn;
import io.peregrine.nvmf.core.QueuePair;
import io.peregrine.nvmf.core.Request;
import io.peregrine.nvmf.core.Subsystem;
import io.peregrine.nvmf.core.TargetLimits;
import io.peregrine.nvmf.fabrics.spec.ConnectData;
import io.peregrine.nvmf.fabrics.spec.ConnectResponse;
import io.peregrine.nvmf.fabrics.spec.FabricsCommand;
import java.lang.foreign.MemorySegment;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Connect (NVMe Base 2.1, "Connect command"): creates a controller on the admin queue (dynamic
 * controller model: CNTLID FFFFh in, the new CNTLID out) or joins an I/O queue to one. Every
 * refusal names the offending parameter (IATTR/IPO) so {@code nvme connect} can say what was
 * wrong.
 */
final class Connect {
    private static final Logger LOG = Logger.getLogger(Connect.class.getName());

    int parse(Request request) {
        int status = request.expectTransfer(Request.HOST_TO_CONTROLLER, (int) ConnectData.SIZE);
        if (status != 0) return status;
        request.handler(this::execute);
        return 0;
    }

    private void execute(Request request) {
        MemorySegment sqe = request.sqe();
        MemorySegment data = request.data().segment();
        QueuePair queue = request.queue();
        TargetLimits limits = queue.target().limits();

        if (FabricsCommand.CONNECT_RECFMT.get(sqe) != FabricsCommand.RECFMT_0) {
            request.errorAt((int) FabricsCommand.CONNECT_RECFMT.offset());
            request.complete(StatusCode.CONNECT_INCOMPATIBLE_FORMAT.fieldDnr());
            return;
        }
        int qid = FabricsCommand.CONNECT_QID.get(sqe);
        int entries = FabricsCommand.CONNECT_SQSIZE.get(sqe) + 1;
        boolean disableSqFlow =
                (FabricsCommand.CONNECT_CATTR.get(sqe) & FabricsCommand.CATTR_DISABLE_SQ_FLOW_CONTROL) != 0;
        String subnqn = ConnectData.SUBNQN.get(data);
        String hostnqn = ConnectData.HOSTNQN.get(data);
        UUID hostId = uuid(ConnectData.HOSTID.get(data));

        Subsystem subsystem = queue.target().subsystem(subnqn);
        if (subsystem == null) {
            LOG.log(Level.INFO, "connect from {0} to unknown subsystem {1}", new Object[] {hostnqn, subnqn});
            invalidData(request, ConnectData.SUBNQN.offset());
            return;
        }
        if (Nqn.problem(hostnqn) != null) {
            invalidData(request, ConnectData.HOSTNQN.offset());
            return;
        }
        if (!subsystem.hostAllowed(hostnqn)) {
            LOG.log(Level.INFO, "host {0} is not allowed to connect to {1}", new Object[] {hostnqn, subnqn});
            request.result(ConnectResponse.invalidDataField(ConnectData.HOSTNQN.offset()));
            request.errorAt((int) FabricsCommand.CONNECT_QID.offset());
            request.complete(StatusCode.CONNECT_INVALID_HOST.fieldDnr());
            return;
        }
        if (hostId.getMostSignificantBits() == 0 && hostId.getLeastSignificantBits() == 0) {
            invalidData(request, ConnectData.HOSTID.offset());
            return;
        }
        if (entries < 2 || entries > limits.maxQueueEntries()) {
            invalidSqe(request, FabricsCommand.CONNECT_SQSIZE.offset());
            return;
        }
        if (qid == 0) {
            connectAdmin(request, subsystem, hostnqn, hostId, entries, disableSqFlow);
        } else {
            connectIo(request, subsystem, hostnqn, hostId, qid, entries, disableSqFlow);
        }
    }

    private static void connectAdmin(
            Request request, Subsystem subsystem, String hostnqn, UUID hostId, int entries, boolean disableSqFlow) {
        MemorySegment sqe = request.sqe();
        QueuePair queue = request.queue();
        if (ConnectData.CNTLID.get(request.data().segment()) != ConnectData.CNTLID_DYNAMIC) {
            // the static controller model is not offered: every admin queue gets a new controller
            invalidData(request, ConnectData.CNTLID.offset());
            return;
        }
        long kato = FabricsCommand.CONNECT_KATO.getUnsigned(sqe);
        int granularity = queue.target().limits().keepAliveGranularityMillis();
        kato = (kato + granularity - 1) / granularity * granularity;
        if (kato > Integer.MAX_VALUE) {
            invalidSqe(request, FabricsCommand.CONNECT_KATO.offset());
            return;
        }
        Controller controller = subsystem.createController(hostnqn, hostId);
        if (controller == null) {
            request.complete(StatusCode.CONNECT_CONTROLLER_BUSY.field());
            return;
        }
        queue.connected(controller, 0, entries, disableSqFlow);
        controller.attachAdminQueue(queue, (int) kato);
        LOG.log(Level.FINE, "host {0} connected controller {1} of {2} from {3}", new Object[] {
            hostnqn, controller.cntlid(), subsystem.nqn(), queue.transport().remoteAddress()
        });
        request.result(ConnectResponse.success(controller.cntlid()));
        request.complete(0);
    }

    private static void connectIo(
            Request request,
            Subsystem subsystem,
            String hostnqn,
            UUID hostId,
            int qid,
            int entries,
            boolean disableSqFlow) {
        QueuePair queue = request.queue();
        if (subsystem.type() == Subsystem.Type.DISCOVERY) {
            invalidSqe(request, FabricsCommand.CONNECT_QID.offset());
            return;
        }
        Controller controller =
                subsystem.controller(ConnectData.CNTLID.get(request.data().segment()));
        if (controller == null) {
            invalidData(request, ConnectData.CNTLID.offset());
            return;
        }
        if (!controller.hostNqn().equals(hostnqn)) {
            invalidData(request, ConnectData.HOSTNQN.offset());
            return;
        }
        if (!controller.hostId().equals(hostId)) {
            invalidData(request, ConnectData.HOSTID.offset());
            return;
        }
        if (qid > controller.maxIoQueues()) {
            invalidSqe(request, FabricsCommand.CONNECT_QID.offset());
            return;
        }
        int status = controller.attachIoQueue(queue, qid);
        if (status != 0) {
            request.errorAt((int) FabricsCommand.CONNECT_QID.offset());
            request.complete(status);
            return;
        }
        queue.connected(controller, qid, entries, disableSqFlow);
        request.result(ConnectResponse.success(controller.cntlid()));
        request.complete(0);
    }

    private static void invalidData(Request request, long offset) {
        request.result(ConnectResponse.invalidDataField(offset));
        request.complete(StatusCode.CONNECT_INVALID_PARAMETERS.fieldDnr());
    }

    private static void invalidSqe(Request request, long offset) {
        request.result(ConnectResponse.invalidSqeField(offset));
        request.errorAt((int) offset);
        request.complete(StatusCode.CONNECT_INVALID_PARAMETERS.fieldDnr());
    }

    /** HOSTID as a UUID, most significant byte first (as hosts write it). */
    static UUID uuid(byte[] raw) {
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (raw[i] & 0xff);
            lsb = (lsb << 8) | (raw[8 + i] & 0xff);
        }
        return new UUID(msb, lsb);
    }
}
