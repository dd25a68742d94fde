package io.peregrine.nvme.driver;

import io.peregrine.nvme.spec.ControllerRegisters;
import io.peregrine.nvme.spec.IdentifyController;
import java.lang.foreign.MemorySegment;
import java.math.BigInteger;

/**
 * What the controller says about itself: Identify Controller plus the registers the driver
 * depends on. Immutable; read at bring-up.
 *
 * @param maxTransferBytes the largest transfer per command, from MDTS and CAP.MPSMIN (0 = no limit)
 * @param rtd3eMicros      RTD3 Entry Latency: how long a shutdown may take, µs (0 = not reported)
 * @param ioQueuePairs     I/O queue pairs the controller granted with Number of Queues
 */
public record ControllerInfo(
        String address,
        int vendorId,
        int subsystemVendorId,
        String serialNumber,
        String modelNumber,
        String firmwareRevision,
        int controllerId,
        String version,
        long maxTransferBytes,
        int namespaceCount,
        int oncs,
        int oacs,
        boolean volatileWriteCache,
        int abortCommandLimit,
        int errorLogEntries,
        BigInteger totalCapacity,
        String subsystemNqn,
        int maxQueueEntries,
        int doorbellStride,
        long timeoutMillis,
        long rtd3eMicros,
        int ioQueuePairs) {

    static ControllerInfo parse(
            String address, MemorySegment id, ControllerRegisters.Cap cap, int vs, int ioQueuePairs) {
        int ver = IdentifyController.VER.get(id);
        return new ControllerInfo(
                address,
                IdentifyController.VID.get(id),
                IdentifyController.SSVID.get(id),
                IdentifyController.SN.get(id),
                IdentifyController.MN.get(id),
                IdentifyController.FR.get(id),
                IdentifyController.CNTLID.get(id),
                ControllerRegisters.version(ver != 0 ? ver : vs),
                IdentifyController.maxTransferBytes(IdentifyController.MDTS.get(id), cap.minPageSize()),
                IdentifyController.NN.get(id),
                IdentifyController.ONCS.get(id),
                IdentifyController.OACS.get(id),
                (IdentifyController.VWC.get(id) & 1) != 0,
                IdentifyController.ACL.get(id) + 1,
                IdentifyController.ELPE.get(id) + 1,
                IdentifyController.TNVMCAP.get(id),
                IdentifyController.SUBNQN.get(id),
                cap.maxQueueEntries(),
                cap.dstrd(),
                cap.timeoutMillis(),
                IdentifyController.RTD3E.getUnsigned(id),
                ioQueuePairs);
    }

    public boolean supportsWriteZeroes() {
        return (oncs & IdentifyController.ONCS_WRITE_ZEROES) != 0;
    }

    public boolean supportsDatasetManagement() {
        return (oncs & IdentifyController.ONCS_DATASET_MANAGEMENT) != 0;
    }
}
