package io.peregrine.nvmf.admin;

import io.peregrine.nvme.spec.Cns;
import io.peregrine.nvme.spec.Commands;
import io.peregrine.nvme.spec.IdentifyController;
import io.peregrine.nvme.spec.IdentifyNamespace;
import io.peregrine.nvme.spec.LbaFormat;
import io.peregrine.nvme.spec.NamespaceIdDescriptor;
import io.peregrine.nvme.spec.Sqe;
import io.peregrine.nvme.spec.StatusCode;
import io.peregrine.nvmf.core.Controller;
import io.peregrine.nvmf.core.Request;
import io.peregrine.nvmf.core.Subsystem;
import io.peregrine.nvmf.core.SubsystemNamespace;
import io.peregrine.nvmf.core.Target;
import io.peregrine.nvmf.core.TargetLimits;
import io.peregrine.nvmf.fabrics.FabricsCommands;
import io.peregrine.nvmf.fabrics.spec.AsyncEvent;
import io.peregrine.nvmf.namespace.Namespace;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Identify (NVMe Base 2.1, "Identify command"): the controller (CNS 01h), a namespace (00h), the
 * active namespace list (02h), a namespace's identification descriptors (03h), and the empty NVM
 * command set specific structures (05h, 06h: no limits beyond MDTS). Every answer is 4096 bytes.
 */
final class Identify {
    static final int SIZE = 4096;
    /** CNS 05h/06h: I/O command set specific namespace / controller. */
    static final int CNS_CSI_NAMESPACE = 0x05;

    static final int CNS_CSI_CONTROLLER = 0x06;

    private Identify() {}

    static int parse(Request request, boolean discovery) {
        int cns = Commands.identifyCns(Sqe.cdw10(request.sqe(), 0));
        boolean supported = discovery
                ? cns == Cns.CONTROLLER.value()
                : cns == Cns.CONTROLLER.value()
                        || cns == Cns.NAMESPACE.value()
                        || cns == Cns.ACTIVE_NAMESPACE_LIST.value()
                        || cns == Cns.NAMESPACE_ID_DESCRIPTORS.value()
                        || cns == CNS_CSI_NAMESPACE
                        || cns == CNS_CSI_CONTROLLER;
        if (!supported) {
            request.errorAt(40);
            return StatusCode.INVALID_FIELD.fieldDnr();
        }
        int status = request.expectTransfer(Request.CONTROLLER_TO_HOST, SIZE);
        if (status != 0) return status;
        request.handler(Identify::execute);
        return 0;
    }

    private static void execute(Request request) {
        MemorySegment sqe = request.sqe();
        MemorySegment out = request.data().segment().asSlice(0, SIZE);
        out.fill((byte) 0);
        Controller controller = request.queue().controller();
        int nsid = Sqe.nsid(sqe, 0);
        int cns = Commands.identifyCns(Sqe.cdw10(sqe, 0));
        int status = 0;
        if (cns == Cns.CONTROLLER.value()) {
            controller(controller, out);
        } else if (cns == Cns.NAMESPACE.value()) {
            status = namespace(controller.subsystem(), nsid, out, request);
        } else if (cns == Cns.ACTIVE_NAMESPACE_LIST.value()) {
            status = activeNamespaces(controller.subsystem(), nsid, out, request);
        } else if (cns == Cns.NAMESPACE_ID_DESCRIPTORS.value()) {
            status = descriptors(controller.subsystem(), nsid, out, request);
        } else if (cns == CNS_CSI_CONTROLLER || cns == CNS_CSI_NAMESPACE) {
            // the NVM command set (CSI 0) has nothing beyond the base structures here: all zero
            int csi = (Sqe.cdw11(sqe, 0) >>> 24) & 0xff;
            if (csi != 0) {
                request.errorAt(47);
                status = StatusCode.INVALID_FIELD.fieldDnr();
            } else if (cns == CNS_CSI_NAMESPACE && controller.subsystem().namespace(nsid) == null) {
                request.errorAt(4);
                status = StatusCode.INVALID_NAMESPACE_OR_FORMAT.fieldDnr();
            }
        }
        request.complete(status);
    }

    /** Identify Controller for {@code controller}. */
    static void controller(Controller controller, MemorySegment out) {
        Subsystem subsystem = controller.subsystem();
        TargetLimits limits = subsystem.target().limits();
        boolean discovery = controller.discovery();
        IdentifyController.VID.set(out, 0);
        IdentifyController.SSVID.set(out, 0);
        IdentifyController.SN.set(out, subsystem.serialNumber());
        IdentifyController.MN.set(out, subsystem.modelNumber());
        IdentifyController.FR.set(out, Target.FIRMWARE_REVISION);
        IdentifyController.RAB.set(out, 6);
        // several hosts (and several controllers of one host) may reach the same namespace
        IdentifyController.CMIC.set(out, discovery ? 0 : 1 << 1);
        IdentifyController.MDTS.set(out, limits.mdts());
        IdentifyController.CNTLID.set(out, controller.cntlid());
        IdentifyController.VER.set(out, FabricsCommands.VERSION);
        IdentifyController.OAES.set(
                out,
                discovery
                        ? AsyncEvent.DISCOVERY_LOG_CHANGED.configBit()
                        : AsyncEvent.NAMESPACE_ATTRIBUTE_CHANGED.configBit());
        IdentifyController.CTRATT.set(out, IdentifyController.CTRATT_HOST_ID_128);
        IdentifyController.CNTRLTYPE.set(
                out, discovery ? IdentifyController.CNTRLTYPE_DISCOVERY : IdentifyController.CNTRLTYPE_IO);
        IdentifyController.ACL.set(out, 3);
        IdentifyController.AERL.set(out, Controller.AER_LIMIT - 1);
        IdentifyController.FRMW.set(out, 0x3); // one slot, read-only: firmware is the software's version
        IdentifyController.LPA.set(out, IdentifyController.LPA_EXTENDED_DATA);
        IdentifyController.ELPE.set(out, Controller.errorLogEntries() - 1);
        IdentifyController.KAS.set(out, limits.kas());
        IdentifyController.SQES.set(out, 0x66);
        IdentifyController.CQES.set(out, 0x44);
        IdentifyController.MAXCMD.set(out, limits.maxQueueEntries());
        IdentifyController.SUBNQN.set(out, subsystem.nqn());
        // SGLs supported (bit 0) and offsets in in-capsule data descriptors (bit 20)
        IdentifyController.SGLS.set(out, 1 | (limits.inCapsuleDataSize() > 0 ? 1 << 20 : 0));
        IdentifyController.MSDBD.set(out, 1);
        IdentifyController.IORCSZ.set(out, 1);
        IdentifyController.ICDOFF.set(out, 0);
        IdentifyController.FCATT.set(out, 0); // dynamic controller model
        if (!discovery) {
            IdentifyController.NN.set(out, subsystem.maxNamespaces());
            IdentifyController.ONCS.set(
                    out, IdentifyController.ONCS_DATASET_MANAGEMENT | IdentifyController.ONCS_WRITE_ZEROES);
            // bit 0: a volatile write cache may hold writes; bits 2:1 = 10b: no broadcast Flush
            boolean cache = subsystem.namespaces().stream()
                    .anyMatch(ns -> ns.namespace().volatileWriteCache());
            IdentifyController.VWC.set(out, (cache ? 1 : 0) | (0b10 << 1));
            IdentifyController.IOCCSZ.set(out, limits.ioccsz());
            IdentifyController.OFCS.set(out, 1); // Disconnect is supported
        }
    }

    private static int namespace(Subsystem subsystem, int nsid, MemorySegment out, Request request) {
        if (nsid == 0 || Integer.compareUnsigned(nsid, subsystem.maxNamespaces()) > 0) {
            request.errorAt(4);
            return StatusCode.INVALID_NAMESPACE_OR_FORMAT.fieldDnr();
        }
        SubsystemNamespace exported = subsystem.namespace(nsid);
        if (exported == null) return 0; // an inactive NSID reads as zeroes
        Namespace ns = exported.namespace();
        long blocks = ns.blockCount();
        IdentifyNamespace.NSZE.set(out, blocks);
        IdentifyNamespace.NCAP.set(out, blocks);
        IdentifyNamespace.NUSE.set(out, blocks);
        IdentifyNamespace.NSFEAT.set(
                out,
                (ns.thinProvisioned() ? IdentifyNamespace.NSFEAT_THIN_PROVISIONING : 0)
                        | IdentifyNamespace.NSFEAT_ID_REUSE);
        IdentifyNamespace.NLBAF.set(out, 0);
        IdentifyNamespace.FLBAS.set(out, 0);
        IdentifyNamespace.NMIC.set(out, 1); // may be attached to more than one controller
        IdentifyNamespace.DLFEAT.set(
                out,
                ns.deallocatedReadsZeroes()
                        ? IdentifyNamespace.DLFEAT_READ_ZEROES | IdentifyNamespace.DLFEAT_WRITE_ZEROES_DEALLOCATES
                        : IdentifyNamespace.DLFEAT_READ_NOT_REPORTED);
        IdentifyNamespace.NGUID.set(out, exported.nguid());
        IdentifyNamespace.lbaFormat(out, 0, LbaFormat.ofBlockSize(ns.blockSize()));
        return 0;
    }

    private static int activeNamespaces(Subsystem subsystem, int after, MemorySegment out, Request request) {
        if (Integer.compareUnsigned(after, 0xFFFF_FFFE) >= 0) {
            request.errorAt(4);
            return StatusCode.INVALID_NAMESPACE_OR_FORMAT.fieldDnr();
        }
        long offset = 0;
        for (SubsystemNamespace ns : subsystem.namespaces()) {
            if (Integer.compareUnsigned(ns.nsid(), after) <= 0) continue;
            if (offset == SIZE) break;
            out.set(io.peregrine.nvme.spec.Le.U32, offset, ns.nsid());
            offset += 4;
        }
        return 0;
    }

    private static int descriptors(Subsystem subsystem, int nsid, MemorySegment out, Request request) {
        SubsystemNamespace ns = subsystem.namespace(nsid);
        if (ns == null) {
            request.errorAt(4);
            return StatusCode.INVALID_NAMESPACE_OR_FORMAT.fieldDnr();
        }
        NamespaceIdDescriptor.writeList(
                out,
                List.of(
                        NamespaceIdDescriptor.nguid(ns.nguid()),
                        NamespaceIdDescriptor.uuid(ns.uuid()),
                        NamespaceIdDescriptor.csi(0)));
        return 0;
    }
}
