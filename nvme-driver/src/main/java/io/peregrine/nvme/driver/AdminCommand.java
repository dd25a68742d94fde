package io.peregrine.nvme.driver;

import io.peregrine.nvme.spec.AdminOpcode;

/**
 * One admin command to build into an SQE. {@code prp1} names the data when the caller owns it
 * (queue rings); {@code dataBytes} > 0 uses the admin queue's own 4 KiB data buffer instead.
 */
record AdminCommand(
        AdminOpcode opcode, int nsid, int cdw10, int cdw11, int cdw12, int cdw13, long prp1, int dataBytes) {

    static AdminCommand of(AdminOpcode opcode, int nsid, int cdw10, int cdw11) {
        return new AdminCommand(opcode, nsid, cdw10, cdw11, 0, 0, 0, 0);
    }

    AdminCommand withData(int bytes) {
        return new AdminCommand(opcode, nsid, cdw10, cdw11, cdw12, cdw13, 0, bytes);
    }

    AdminCommand withPrp1(long iova) {
        return new AdminCommand(opcode, nsid, cdw10, cdw11, cdw12, cdw13, iova, 0);
    }

    AdminCommand withCdw12(int value) {
        return new AdminCommand(opcode, nsid, cdw10, cdw11, value, cdw13, prp1, dataBytes);
    }

    String describe() {
        return opcode.specName() + (nsid != 0 ? " (NSID " + Integer.toUnsignedString(nsid) + ")" : "");
    }
}
