package io.peregrine.nvmf.admin;

import io.peregrine.nvme.spec.Commands;
import io.peregrine.nvme.spec.FeatureId;
import io.peregrine.nvme.spec.Sqe;
import io.peregrine.nvme.spec.StatusCode;
import io.peregrine.nvmf.core.Controller;
import io.peregrine.nvmf.core.Request;
import io.peregrine.nvmf.fabrics.spec.AsyncEvent;
import java.lang.foreign.MemorySegment;

/**
 * Get Features and Set Features (NVMe Base 2.1) for the features a fabrics controller has: Number
 * of Queues (07h, I/O controllers), Asynchronous Event Configuration (0Bh) and Keep Alive Timer
 * (0Fh). None is saveable; all are changeable.
 */
final class Features {
    private static final int SAVE = 1 << 31;
    private static final int SELECT_CURRENT = 0;
    private static final int SELECT_CAPABILITIES = 3;
    /** Get Features SEL=3 answer: changeable (bit 2), neither saveable nor namespace specific. */
    private static final int CAPABILITY_CHANGEABLE = 1 << 2;

    private Features() {}

    static int parseSet(Request request, boolean discovery) {
        int cdw10 = Sqe.cdw10(request.sqe(), 0);
        int status = supported(request, Commands.featureId(cdw10), discovery);
        if (status != 0) return status;
        if ((cdw10 & SAVE) != 0) {
            request.errorAt(43);
            return StatusCode.FEATURE_NOT_SAVEABLE.fieldDnr();
        }
        status = request.expectTransfer(Request.NO_DATA, 0);
        if (status != 0) return status;
        request.handler(Features::set);
        return 0;
    }

    static int parseGet(Request request, boolean discovery) {
        int cdw10 = Sqe.cdw10(request.sqe(), 0);
        int status = supported(request, Commands.featureId(cdw10), discovery);
        if (status != 0) return status;
        if (((cdw10 >>> 8) & 0x7) > SELECT_CAPABILITIES) {
            request.errorAt(41);
            return StatusCode.INVALID_FIELD.fieldDnr();
        }
        status = request.expectTransfer(Request.NO_DATA, 0);
        if (status != 0) return status;
        request.handler(Features::get);
        return 0;
    }

    private static int supported(Request request, int fid, boolean discovery) {
        boolean ok = fid == FeatureId.ASYNC_EVENT_CONFIGURATION.value()
                || fid == FeatureId.KEEP_ALIVE_TIMER.value()
                || (!discovery && fid == FeatureId.NUMBER_OF_QUEUES.value());
        if (!ok) {
            request.errorAt(40);
            return StatusCode.INVALID_FIELD.fieldDnr();
        }
        return 0;
    }

    private static void set(Request request) {
        MemorySegment sqe = request.sqe();
        int fid = Commands.featureId(Sqe.cdw10(sqe, 0));
        int cdw11 = Sqe.cdw11(sqe, 0);
        Controller controller = request.queue().controller();
        if (fid == FeatureId.NUMBER_OF_QUEUES.value()) {
            int nsqr = cdw11 & 0xffff;
            int ncqr = cdw11 >>> 16;
            if (nsqr == 0xffff || ncqr == 0xffff) {
                request.errorAt(44);
                request.complete(StatusCode.INVALID_FIELD.fieldDnr());
                return;
            }
            // queues are created by Connect; this only tells the host how many it may create
            int max = controller.maxIoQueues();
            request.result(Commands.numberOfQueues(Math.min(nsqr + 1, max), Math.min(ncqr + 1, max)));
        } else if (fid == FeatureId.ASYNC_EVENT_CONFIGURATION.value()) {
            controller.asyncEventConfig(cdw11 & supportedEvents(controller));
        } else {
            long kato = cdw11 & 0xffff_ffffL;
            int granularity = controller.subsystem().target().limits().keepAliveGranularityMillis();
            kato = (kato + granularity - 1) / granularity * granularity;
            if (kato > Integer.MAX_VALUE) {
                request.errorAt(44);
                request.complete(StatusCode.KEEP_ALIVE_TIMEOUT_INVALID.fieldDnr());
                return;
            }
            controller.kato((int) kato);
        }
        request.complete(0);
    }

    private static void get(Request request) {
        MemorySegment sqe = request.sqe();
        int cdw10 = Sqe.cdw10(sqe, 0);
        int fid = Commands.featureId(cdw10);
        int select = (cdw10 >>> 8) & 0x7;
        Controller controller = request.queue().controller();
        int value;
        if (select == SELECT_CAPABILITIES) {
            value = CAPABILITY_CHANGEABLE;
        } else if (fid == FeatureId.NUMBER_OF_QUEUES.value()) {
            value = Commands.numberOfQueues(controller.maxIoQueues(), controller.maxIoQueues());
        } else if (fid == FeatureId.ASYNC_EVENT_CONFIGURATION.value()) {
            value = select == SELECT_CURRENT ? controller.asyncEventConfig() : supportedEvents(controller);
        } else {
            // nothing is saveable: the saved value is the default (NVMe Base 2.1, Get Features SEL)
            value = select == SELECT_CURRENT ? controller.kato() : 0;
        }
        request.result(value);
        request.complete(0);
    }

    private static int supportedEvents(Controller controller) {
        return controller.discovery()
                ? AsyncEvent.DISCOVERY_LOG_CHANGED.configBit()
                : AsyncEvent.NAMESPACE_ATTRIBUTE_CHANGED.configBit();
    }
}
