package io.peregrine.nvme.vfio;

/**
 * VFIO could not give us the device. The message says what is wrong in the system's terms (the
 * driver bound, the IOMMU group, the permission) and what to do about it.
 */
public final class VfioException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public VfioException(String message) {
        super(message);
    }

    public VfioException(String message, Throwable cause) {
        super(message, cause);
    }
}
