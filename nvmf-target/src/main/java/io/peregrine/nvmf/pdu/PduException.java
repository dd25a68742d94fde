package io.peregrine.nvmf.pdu;

/** A PDU could not be encoded or decoded as asked; carries the {@link PduFault} describing why. */
public final class PduException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient PduFault fault;

    public PduException(PduFault fault) {
        super(fault.reason());
        this.fault = fault;
    }

    public PduFault fault() {
        return fault;
    }
}
